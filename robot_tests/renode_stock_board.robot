*** Settings ***
Documentation     Renode's own Arduino Nano 33 BLE description (platforms/boards/arduino_nano_33_ble.repl
...               from a Renode tree) plus the shipped overlay (legacy UART on uart0, a 64 MHz DWT,
...               PerformanceInMips 64) runs the sine model and a convolutional model bit-exact with
...               TFLM on the built-in engine. Without a Renode tree (TFLM_BENCH_RENODE_TREE: a folder
...               holding Renode's platforms/) every test skips, naming that reason.
Library           tflm_bench.robot_library.TflmBench    engine=builtin    platform=${OVERLAY}
...               repl_path=%{TFLM_BENCH_RENODE_TREE=}    AS    Stock
Suite Setup       Skip If    not $RENODE_TREE    no Renode tree given (set TFLM_BENCH_RENODE_TREE)
Test Teardown     Stop Firmware

*** Variables ***
${OVERLAY}        ${CURDIR}/../bench/board/platforms/nano33ble-renode-overlay.repl
${RENODE_TREE}    %{TFLM_BENCH_RENODE_TREE=}
${SINE}           ${CURDIR}/../models/sine_int8.tflite
${CONV}           ${CURDIR}/../models/accel_cnn_int8.tflite

*** Test Cases ***
Sine Model Is Bit Exact On The Stock Board
    Boot Firmware For Model    ${SINE}
    ${ran}=    Run Random Inputs    count=4    seed=5
    Should Be Equal As Integers    ${ran}    4
    Outputs Should Be Bit Exact With TFLM

Conv Model Is Bit Exact On The Stock Board
    Boot Firmware For Model    ${CONV}
    ${ran}=    Run Random Inputs    count=2    seed=6
    Should Be Equal As Integers    ${ran}    2
    Outputs Should Be Bit Exact With TFLM
