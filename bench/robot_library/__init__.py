"""Robot Framework keywords for the bench: build firmware, boot it, check outputs and budgets.

    *** Settings ***
    Library    tflm_bench.robot_library.TflmBench    engine=${ENGINE}

This is our own keyword library; it does not use Renode's keywords, so the same suite runs on
every engine the bench supports. TflmBench (library.py) takes the bench options of
option_table.py as its arguments and is composed of keyword classes, one module each: firmware
(build, boot, ask the firmware), runs (inputs, verdicts, budgets), baselines (and reports),
evaluation (accuracy on a data set) and mlperf (MLPerf Tiny mode).
"""
from .library import TflmBench

__all__ = ["TflmBench"]
