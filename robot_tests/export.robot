*** Settings ***
Documentation     tflm-bench export: the generated runtime the bench verified, written as a C,
...               CMake or Arduino library for a user's own firmware, recording the build it is.
...               (tests/generator/test_export.py builds such a library into a user-style
...               firmware and runs it bit-exact.)
...               Run with: robot robot_tests/export.robot
Library           OperatingSystem
Library           tflm_bench.robot_library.TflmBench

*** Variables ***
${SINE}           ${CURDIR}/../models/sine_int8.tflite
${CONV}           ${CURDIR}/../models/accel_cnn_int8.tflite

*** Test Cases ***
Sine Model Exports As An Arduino Library
    ${lib}=    Export Library For Model    ${SINE}    ${OUTPUT_DIR}/export-arduino    format=arduino
    File Should Exist    ${lib}/library.properties
    File Should Exist    ${lib}/src/sine_int8_model.h
    File Should Exist    ${lib}/examples/sine_int8_model_example/sine_int8_model_example.ino
    ${properties}=    Get File    ${lib}/library.properties
    Should Contain    ${properties}    name=sine_int8_model
    Exported Library Should Be Of Model    ${lib}    ${SINE}

Conv Model Exports As A CMake Package
    ${lib}=    Export Library For Model    ${CONV}    ${OUTPUT_DIR}/export-cmake    format=cmake
    File Should Exist    ${lib}/CMakeLists.txt
    File Should Exist    ${lib}/src/tb_runtime.h
    Exported Library Should Be Of Model    ${lib}    ${CONV}

An Export Of Another Model Is Told Apart
    ${lib}=    Export Library For Model    ${SINE}    ${OUTPUT_DIR}/export-c
    Run Keyword And Expect Error    *is not the bench's build of*
    ...    Exported Library Should Be Of Model    ${lib}    ${CONV}
