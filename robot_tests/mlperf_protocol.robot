*** Settings ***
Documentation     MLPerf Tiny mode: firmware built with --protocol mlperf, served on a pseudo-terminal by
...               `tflm-bench emulate FW.elf --uart-pty` and driven as the MLCommons/EEMBC runner drives a
...               board: identification, performance windows from the m-lap-us stamps, and accuracy mode
...               with m-results checked against host TFLM. The PTY bridge runs the built-in engine.
Library           tflm_bench.robot_library.TflmBench
Suite Setup       Serve MLPerf Firmware For Model    ${MODEL}
Suite Teardown    Stop MLPerf Firmware

*** Variables ***
${MODEL}              ${CURDIR}/../models/accel_cnn_int8.tflite
# Measured 2,934 us per inference on the emulated 64 MHz clock (one count per instruction).
${US_PER_INFERENCE}   3500

*** Test Cases ***
The Firmware Identifies Itself To The Runner
    ${name}=    MLPerf Command    name
    Should Be Equal    ${name}[0]    m-name-dut-[tflm-bench]
    ${profile}=    MLPerf Command    profile
    Should Be Equal    ${profile}[0]    m-profile-[ULPMark for tinyML Firmware V0.0.1]
    Should Be Equal    ${profile}[1]    m-model-[kws01]

A Performance Window Stays Within Its Budget
    ${us}=    Run MLPerf Performance Window    runs=10    warmup=2    seed=1
    Should Be True    0 < ${us} < ${US_PER_INFERENCE}

Accuracy Mode Prints Host TFLM's Results
    MLPerf Results Should Match TFLM    count=3    seed=5

An Unknown Command Is An Error And The Firmware Keeps Serving
    Run Keyword And Expect Error    *Unknown command: bogus*    MLPerf Command    bogus
    ${name}=    MLPerf Command    name
    Should Be Equal    ${name}[0]    m-name-dut-[tflm-bench]
