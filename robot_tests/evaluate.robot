*** Settings ***
Documentation     Accuracy on a data set, on the emulated nRF52840: the digits example's float, int8 and
...               uint8-I/O variants (models/make_digits_example.py) on 120 held-out digits in 2 worker
...               processes, with accuracy floors and a bound on the drop from the float model.
...               Run with: robot robot_tests/evaluate.robot
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}

*** Variables ***
${ENGINE}         builtin
${DIGITS}         ${CURDIR}/../models/digits

*** Test Cases ***
Digits Variants Keep Their Accuracy On The Device
    ${accuracy}=    Evaluate Model On Dataset    ${DIGITS}/digits_cnn.keras    ${DIGITS}/test.npz
    ...    variants=float,int8,uint8-io    calibration=${DIGITS}/calibration.npy    jobs=2    limit=120
    Should Be Equal    ${accuracy}[int8]    ${accuracy}[uint8-io]
    Device Accuracy Should Be At Least    0.9
    Device Accuracy Should Be At Least    0.9    variant=int8
    Accuracy Drop From Float Should Be At Most    0.02    variant=int8
    Accuracy Drop From Float Should Be At Most    0.02    variant=uint8-io

A Missed Accuracy Floor Fails With The Figures
    Evaluate Model On Dataset    ${DIGITS}/digits_cnn.keras    ${DIGITS}/test.npz
    ...    variants=int8    calibration=${DIGITS}/calibration.npy    limit=20
    Run Keyword And Expect Error    variant int8: device accuracy * is below 1.0100
    ...    Device Accuracy Should Be At Least    1.01
