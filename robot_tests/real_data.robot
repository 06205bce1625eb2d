*** Settings ***
Documentation     Real samples through the device: a data set (.npz with labels), float samples
...               (.npy, quantized with the input's scale and zero point), the top class of each
...               input and the device's accuracy. The model is the int8 digits CNN of
...               models/make_digits_example.py (8x8 images of handwritten digits).
...               Run with: robot robot_tests/real_data.robot    (add --variable ENGINE:<name>)
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}
Suite Setup       Boot Firmware For Model    ${DIGITS}
Suite Teardown    Stop Firmware

*** Variables ***
${ENGINE}         builtin
${DIGITS}         ${CURDIR}/../models/digits/digits_cnn_int8.tflite
${TEST_SET}       ${CURDIR}/../models/digits/test.npz
${FIRST_FIVE}     ${CURDIR}/data/digits_first5.npy
${NAMES}          zero,one,two,three,four,five,six,seven,eight,nine

*** Test Cases ***
A Labelled Data Set Runs Bit Exact And Scores On The Device
    ${ran}=    Run Inputs From File    ${TEST_SET}    limit=40
    Should Be Equal As Integers    ${ran}    40
    Outputs Should Be Bit Exact With TFLM
    ${accuracy}=    Device Accuracy On The Last Run Should Be At Least    0.85
    Log    device accuracy ${accuracy}

The Top Class Is Named
    Run Inputs From File    ${TEST_SET}    limit=2    labels=${NAMES}
    Top Class Of Input Should Be    0    four
    Top Class Of Input Should Be    1    2
    Run Keyword And Expect Error    input 0: the top class is 4 (four), not seven
    ...    Top Class Of Input Should Be    0    seven

Float Samples From An Npy Are Quantized By The Bench
    ${ran}=    Run Inputs From File    ${FIRST_FIVE}
    Should Be Equal As Integers    ${ran}    5
    Outputs Should Be Bit Exact With TFLM
    Top Class Of Input Should Be    3    8

A Run Without Labels Has No Accuracy
    Run Inputs From File    ${FIRST_FIVE}
    Run Keyword And Expect Error    the last run had no class labels*
    ...    Device Accuracy On The Last Run Should Be At Least    0.5
