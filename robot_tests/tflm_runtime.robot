*** Settings ***
Documentation     The sine model on the user's own TFLM library (runtime tflm): outputs bit-exact with
...               host TFLM, per-operator counts, and TFLM's arena. Needs TFLM_LIB and TFLM_INCLUDE
...               (or --variable TFLM_LIB:... --variable TFLM_INCLUDE:dir1:dir2); without a library
...               every test is skipped with the reason "no TFLM library given".
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}    runtime=tflm
...               tflm_lib=${TFLM_LIB}    tflm_include=${TFLM_INCLUDE}
Suite Setup       Boot Firmware For Model    ${MODEL}
Suite Teardown    Stop Firmware

*** Variables ***
${ENGINE}         builtin
${MODEL}          ${CURDIR}/../models/sine_int8.tflite
${TFLM_LIB}       %{TFLM_LIB=}
${TFLM_INCLUDE}   %{TFLM_INCLUDE=}

*** Test Cases ***
Sine On TFLM Is Bit Exact With Host TFLM
    Runtime Should Be    tflm
    ${ran}=    Run Random Inputs    count=8    seed=7
    Should Be Equal As Integers    ${ran}    8
    Outputs Should Be Bit Exact With TFLM

Every Operator Has Its Own Count
    Run Random Inputs    count=2    seed=3
    Per Operator Counts Should Be Reported
    Log Layer Profile

TFLM Reports The Arena It Used
    ${used}=    TFLM Arena Used Bytes
    Should Be True    ${used} > 0
