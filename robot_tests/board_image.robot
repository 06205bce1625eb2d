*** Settings ***
Documentation     The image for a real Arduino Nano 33 BLE (--board nano33ble: linked at 0x10000
...               after the Arduino bootloader, UART0 on P1.03/P1.10, crystal started) booted
...               from its vector table on the emulated nRF52840, bit-exact with TFLM.
...               Run with: robot robot_tests/board_image.robot    (add --variable ENGINE:<name>)
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}
Suite Teardown    Stop Firmware

*** Variables ***
${ENGINE}         builtin
${SINE}           ${CURDIR}/../models/sine_int8.tflite
${CONV}           ${CURDIR}/../models/accel_cnn_int8.tflite

*** Test Cases ***
Board Image Is Linked After The Bootloader
    ${elf}=    Build Firmware For Model    ${SINE}    target=nano33ble
    Vector Table Should Be At    ${elf}    0x10000

Sine Board Image Is Bit Exact With TFLM
    Boot Firmware For Model    ${SINE}    target=nano33ble
    ${ran}=    Run Random Inputs    count=8    seed=3
    Should Be Equal As Integers    ${ran}    8
    Outputs Should Be Bit Exact With TFLM
    [Teardown]    Stop Firmware

Conv Board Image Is Bit Exact With TFLM
    Boot Firmware For Model    ${CONV}    target=nano33ble
    Run Random Inputs    count=4    seed=3
    Outputs Should Be Bit Exact With TFLM
    [Teardown]    Stop Firmware
