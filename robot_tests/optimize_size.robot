*** Settings ***
Documentation     --optimize size: the autoencoder keeps int8 weights (flash near its weights)
...               and its outputs stay bit-exact with TFLM on the emulated nRF52840.
Library           tflm_bench.robot_library.TflmBench    engine=builtin    optimize=size
Suite Setup       Boot Firmware For Model    ${MODEL}
Suite Teardown    Stop Firmware

*** Variables ***
${MODEL}          ${CURDIR}/../models/ad_autoencoder_float.tflite

*** Test Cases ***
Size Layout Outputs Are Bit Exact With TFLM
    ${ran}=    Run Random Inputs    count=4    seed=3
    Should Be Equal As Integers    ${ran}    4
    Outputs Should Be Bit Exact With TFLM
