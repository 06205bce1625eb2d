"""Models with subgraphs and resource variables, converted by TensorFlow's own TFLite converter:
tf.cond (IF), tf.while_loop (WHILE) and tf.Variable (CALL_ONCE + VAR_HANDLE, READ_VARIABLE,
ASSIGN_VARIABLE), in float32 or int8 (full-integer, int8 inputs and outputs), shapes chosen by
the caller. TensorFlow is imported on first use (it takes seconds)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

KINDS = ("float32", "int8")


def _convert(function: Any, specs: list[tuple[int, ...]], kind: str, trackable: Any, seed: int) -> bytes:
    import tensorflow as tf

    concrete = function.get_concrete_function(*[tf.TensorSpec(s, tf.float32) for s in specs])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], trackable)
    if kind == "int8":
        rng = np.random.default_rng(seed)

        def representative() -> Any:
            for _ in range(24):
                yield [rng.uniform(-1.0, 1.0, s).astype(np.float32) for s in specs]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return bytes(converter.convert())


def accumulator(shape: tuple[int, ...], kind: str, seed: int = 0) -> bytes:
    """state <- 0.5 * state + x (a tf.Variable starting at seeded values); returns state + x."""
    import tensorflow as tf

    start = np.random.default_rng(seed).uniform(-0.5, 0.5, shape).astype(np.float32)

    class Accumulator(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.state = tf.Variable(start)

        @tf.function
        def __call__(self, x: Any) -> Any:
            self.state.assign(self.state * 0.5 + x)
            return self.state + x

    module = Accumulator()
    return _convert(module.__call__, [shape], kind, module, seed)


def branches(shape: tuple[int, ...], kind: str, seed: int = 0) -> bytes:
    """tf.cond on sum(x) > 0: relu(2x) and x * x, or x - 0.5 and 0.25x."""
    import tensorflow as tf

    @tf.function
    def model(x: Any) -> Any:
        return tf.cond(tf.reduce_sum(x) > 0.0,
                       lambda: (tf.nn.relu(x * 2.0), x * x),
                       lambda: (x - 0.5, x * 0.25))

    return _convert(model, [shape], kind, None, seed)


def loop(shape: tuple[int, ...], kind: str, seed: int = 0, limit: int = 4) -> bytes:
    """tf.while_loop: at most `limit` steps of y <- 0.75 y + 0.1 while sum(y) < 2, with a counter.
    In float32 the body also reads x through a loop variable it passes through unchanged (a body
    output that is its input); TensorFlow 2.21's int8 converter crashes (segfault) on that form,
    so the int8 loop has none."""
    import tensorflow as tf

    @tf.function
    def model(x: Any) -> Any:
        if kind == "float32":
            def cond3(i: Any, y: Any, z: Any) -> Any:
                return tf.logical_and(i < limit, tf.reduce_sum(y) < 2.0)

            def body3(i: Any, y: Any, z: Any) -> Any:
                return i + 1, y * 0.75 + 0.1 + z * 0.0625, z

            return tf.while_loop(cond3, body3, [tf.constant(0), x, x])[1]

        def cond(i: Any, y: Any) -> Any:
            return tf.logical_and(i < limit, tf.reduce_sum(y) < 2.0)

        def body(i: Any, y: Any) -> Any:
            return i + 1, y * 0.75 + 0.1

        return tf.while_loop(cond, body, [tf.constant(0), x])[1]

    return _convert(model, [shape], kind, None, seed)


def counted_loop(shape: tuple[int, ...], kind: str, seed: int = 0) -> bytes:
    """A tf.Variable updated inside a tf.while_loop body (its handle passed into the subgraph) and
    inside a tf.cond branch: state persists across inferences."""
    import tensorflow as tf

    class Counted(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.total = tf.Variable(np.zeros(shape, np.float32))

        @tf.function
        def __call__(self, x: Any) -> Any:
            def cond(i: Any) -> Any:
                return i < 3

            def body(i: Any) -> Any:
                self.total.assign(self.total * 0.5 + x)
                return i + 1

            tf.while_loop(cond, body, [tf.constant(0)])
            return tf.cond(tf.reduce_sum(self.total) > 0.0, lambda: self.total + x, lambda: self.total - x)

    module = Counted()
    return _convert(module.__call__, [shape], kind, module, seed)


def combined(shape: tuple[int, ...], kind: str, seed: int = 0) -> bytes:
    """All of it in one model: a tf.Variable accumulator (CALL_ONCE, VAR_HANDLE, READ_VARIABLE,
    ASSIGN_VARIABLE), a tf.cond on its value (IF) and a tf.while_loop over the result (WHILE); in
    float32 the loop also passes x through unchanged and assigns a second variable in its body
    (the handle passed into the subgraph). TensorFlow 2.21's int8 converter crashes on those two
    forms, so the int8 model has neither. Outputs: the loop's result and the accumulator's."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    start = rng.uniform(-0.5, 0.5, shape).astype(np.float32)
    steps = int(rng.integers(2, 5))

    class Combined(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.state = tf.Variable(start)
            self.visits = tf.Variable(np.zeros(shape, np.float32))

        @tf.function
        def __call__(self, x: Any) -> Any:
            self.state.assign(self.state * 0.5 + x)
            s = self.state + x
            y = tf.cond(tf.reduce_sum(s) > 0.0, lambda: tf.nn.relu(s * 2.0), lambda: s - 0.5)
            if kind == "float32":
                def cond3(i: Any, v: Any, z: Any) -> Any:
                    return tf.logical_and(i < steps, tf.reduce_sum(v) < 4.0)

                def body3(i: Any, v: Any, z: Any) -> Any:
                    self.visits.assign(self.visits * 0.5 + v)
                    return i + 1, v * 0.75 + 0.1 + z * 0.0625, z

                y = tf.while_loop(cond3, body3, [tf.constant(0), y, x])[1] + self.visits
            else:
                def cond(i: Any, v: Any) -> Any:
                    return tf.logical_and(i < steps, tf.reduce_sum(v) < 4.0)

                def body(i: Any, v: Any) -> Any:
                    return i + 1, v * 0.75 + 0.1

                y = tf.while_loop(cond, body, [tf.constant(0), y])[1]
            return y, s

    module = Combined()
    return _convert(module.__call__, [shape], kind, module, seed)


BUILDERS: dict[str, Callable[..., bytes]] = {
    "accumulator": accumulator, "branches": branches, "loop": loop, "counted_loop": counted_loop,
    "combined": combined,
}
