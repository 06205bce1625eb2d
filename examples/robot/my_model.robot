*** Settings ***
Documentation     my_model.tflite (next to this file) on the emulated Nano 33 BLE.
Library           tflm_bench.robot_library.TflmBench
Suite Setup       Boot Firmware For Model    ${CURDIR}/my_model.tflite
Suite Teardown    Stop Firmware

*** Test Cases ***
Random Inputs Are Bit Exact With TFLM
    Run Random Inputs    count=20    seed=1
    Outputs Should Be Bit Exact With TFLM
    Instructions Per Inference Should Be At Most    150000

Test Digits Are Bit Exact And Classified
    Run Inputs From File    ${CURDIR}/test.npz    limit=10
    Outputs Should Be Bit Exact With TFLM
    Top Class Of Input Should Be    0    four
    Device Accuracy On The Last Run Should Be At Least    0.9
