*** Settings ***
Documentation     Layer by layer against host TFLM: every layer of the KWS DS-CNN model matches
...               on the device, read right after it ran (INVOKE_PARTIAL + GET_LAYER_OUTPUT).
...               Run with: robot robot_tests/layer_diff.robot
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}
Suite Setup       Boot Firmware For Model    ${MODEL}
Suite Teardown    Stop Firmware

*** Variables ***
${ENGINE}         builtin
${MODEL}          ${CURDIR}/../models/kws_dscnn_int8.tflite

*** Test Cases ***
Every KWS Layer Matches TFLM
    ${layers}=    Every Layer Should Match TFLM    count=1    seed=4
    Should Be Equal As Integers    ${layers}    16
