"""The library class: its arguments come from the option table, its keywords from the keyword
classes beside it (composed with robotlibcore's DynamicCore)."""
from __future__ import annotations

import inspect
from inspect import Parameter

from robot.api.deco import library, not_keyword
from robotlibcore import DynamicCore

from ..option_table import robot_arguments, robot_arguments_doc
from ..session import BenchSession
from .baselines import BaselineKeywords
from .evaluation import EvaluationKeywords
from .firmware import FirmwareKeywords
from .mlperf import MlperfKeywords
from .runs import RunKeywords
from .state import LibraryState

_ARGUMENTS = robot_arguments()
# What Robot and libdoc read as the library's arguments: one per bench option, with its default.
# Only the first (engine) may be given by position: the others' order is the table's, so a
# positional value is refused rather than landing on another argument than it used to.
_SIGNATURE = inspect.Signature([Parameter("self", Parameter.POSITIONAL_OR_KEYWORD)] + [
    Parameter(name, Parameter.POSITIONAL_OR_KEYWORD if number == 0 else Parameter.KEYWORD_ONLY, default=default)
    for number, (name, default) in enumerate(_ARGUMENTS)])


@library(scope="SUITE", auto_keywords=False)
class TflmBench(DynamicCore):
    """Keywords that drive one model's firmware on one engine per suite.

    Library arguments (see `Importing`) are the bench options, the same as the command line's
    (``--kernels``) and the pytest plugin's (``--bench-kernels``): ``engine`` (builtin or
    renode, the emulators; or serial, a real board already flashed with the model's image, on
    ``port``), ``kernels``, ``optimize``, ``runtime`` (tflm: your TFLM library, ``tflm_lib``
    and ``tflm_include``), ``target``, ``platform`` and ``repl_path``, ``build_dir``,
    ``timeout``. Arguments that take several values separate them with ``:``.

    Renode's own Nano 33 BLE board plus the shipped overlay:
    | Library | tflm_bench.robot_library.TflmBench | platform=${OVERLAY} | repl_path=${RENODE_TREE} |

    Example:
    | ***** Settings *****
    | Library    tflm_bench.robot_library.TflmBench    runtime=tflm
    | Suite Setup    Boot Firmware For Model    models/kws_dscnn_int8.tflite

    With ``runtime=tflm`` and no library given, `Boot Firmware For Model` skips the test,
    naming the reason ("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE").

    Baselines and reports work on the last `Run Random Inputs`:

    | `Boot Firmware For Model` | ${MODEL} |
    | `Run Random Inputs` | count=8 | seed=1 |
    | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json | tolerance=instructions=1% |
    | `Write Reports` | html=${OUTPUT_DIR}/bench.html | junit=${OUTPUT_DIR}/bench-junit.xml |

    A real board (or `tflm-bench emulate FW.elf --uart-pty` standing in for one) on a serial
    port; the board is neither flashed nor reset by the bench, and a board running another
    model's image fails `Boot Firmware For Model` with the command that flashes it. The image
    for a real Arduino Nano 33 BLE (``target=nano33ble``) is linked at 0x10000 after its
    bootloader, with UART0 on P1.03/P1.10 and the crystal started:

    | Library | tflm_bench.robot_library.TflmBench | engine=serial | port=/dev/ttyUSB0 | baud=115200 |

    To compare two kernel sets in one suite, import the library twice under different names:

    | Library | tflm_bench.robot_library.TflmBench | kernels=optimized | AS | Optimized |
    | Library | tflm_bench.robot_library.TflmBench | kernels=reference | AS | Reference |
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        bound = _SIGNATURE.bind(self, *args, **kwargs)
        bound.apply_defaults()
        self.state = LibraryState({name: bound.arguments[name] for name, _ in _ARGUMENTS})
        DynamicCore.__init__(self, [FirmwareKeywords(self.state), RunKeywords(self.state),
                                    BaselineKeywords(self.state), EvaluationKeywords(self.state),
                                    MlperfKeywords(self.state)])

    __init__.__signature__ = _SIGNATURE  # type: ignore[attr-defined]
    __init__.__doc__ = robot_arguments_doc()
    # Robot converts these by type (as it did the hand-written arguments); the rest stay text.
    __init__.robot_types = {name: type(default) for name, default in _ARGUMENTS  # type: ignore[attr-defined]
                            if isinstance(default, (int, float))}

    @not_keyword
    def session(self) -> BenchSession:
        """The running session (for Python code driving the library)."""
        return self.state.session()
