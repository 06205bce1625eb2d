*** Settings ***
Documentation     engine=serial against `tflm-bench emulate FW.elf --uart-pty` standing in for a
...               real board: build the image, serve it on a pseudo-terminal, then boot the model
...               over that port (no reset, no flash: the bench resynchronises and checks the image).
...               Run with: robot robot_tests/serial_engine.robot
Library           OperatingSystem
Library           Process
Library           String
Suite Setup       Serve The Image On A Pseudo Terminal
Suite Teardown    Stop Everything

*** Variables ***
${MODEL}          ${CURDIR}/../models/sine_int8.tflite

*** Test Cases ***
Sine Over The Serial Port Is Bit Exact With TFLM
    Boot Firmware For Model    ${MODEL}
    ${ran}=    Run Random Inputs    count=4    seed=3
    Should Be Equal As Integers    ${ran}    4
    Outputs Should Be Bit Exact With TFLM
    Ping Should Succeed    over the pty

A Second Session Finds The Same Board Without A Reset
    Stop Firmware
    Boot Firmware For Model    ${MODEL}
    Run Random Inputs    count=1    seed=4
    Outputs Should Be Bit Exact With TFLM

*** Keywords ***
Serve The Image On A Pseudo Terminal
    ${python}=    Evaluate    sys.executable    modules=sys
    ${elf}=    Set Variable    ${TEMPDIR}${/}serial-engine-sine.elf
    ${built}=    Run Process    ${python}    -m    tflm_bench.cli    build    ${MODEL}    --out    ${elf}
    Should Be Equal As Integers    ${built.rc}    0    ${built.stderr}
    ${out}=    Set Variable    ${TEMPDIR}${/}serial-engine-emulate.txt
    Remove File    ${out}
    Start Process    ${python}    -m    tflm_bench.cli    emulate    ${elf}    --uart-pty
    ...    alias=board    stdout=${out}    stderr=${TEMPDIR}${/}serial-engine-emulate.err
    ${pty}=    Wait Until Keyword Succeeds    60s    0.2s    First Line Of    ${out}
    Import Library    tflm_bench.robot_library.TflmBench    engine=serial    port=${pty}

First Line Of
    [Arguments]    ${path}
    ${text}=    Get File    ${path}
    ${line}=    Get Line    ${text}    0
    Should Start With    ${line}    /dev/
    RETURN    ${line}

Stop Everything
    Run Keyword And Ignore Error    Stop Firmware
    Terminate Process    board
