*** Settings ***
Documentation     The hello_world sine model on the emulated nRF52840: outputs bit-exact with
...               TFLM, an instruction budget per inference, and a device that survives bad frames.
...               Run with: robot robot_tests/    (add --variable ENGINE:<name> for another engine)
Library           tflm_bench.robot_library.TflmBench    engine=${ENGINE}
Suite Setup       Boot Firmware For Model    ${MODEL}
Suite Teardown    Stop Firmware

*** Variables ***
${ENGINE}                 builtin
${MODEL}                  ${CURDIR}/../models/sine_int8.tflite
# Measured with the reference kernels; `tflm-bench run MODEL --kernels reference` prints the figure.
${INSTRUCTION_BUDGET}     5000
# Per-layer instruction budgets (measured 1,376 / 3,052 / 278 with the reference kernels).
${LAYER_0_BUDGET}         1600
${LAYER_1_BUDGET}         3400
${LAYER_2_BUDGET}         400
# Estimated Cortex-M4 cycles (the built-in engine's model, docs/cycle-model.md; ~6,500 today).
${CYCLE_BUDGET}           8000

*** Test Cases ***
Sine Outputs Are Bit Exact With TFLM
    ${ran}=    Run Random Inputs    count=32    seed=7
    Should Be Equal As Integers    ${ran}    32
    Outputs Should Be Bit Exact With TFLM

Sine Inference Stays Within Its Instruction Budget
    Run Random Inputs    count=8    seed=11
    Instructions Per Inference Should Be At Most    ${INSTRUCTION_BUDGET}

Device Answers A Corrupted Frame With An Error And Keeps Serving
    ${error}=    Send Corrupted Frame
    Should Be Equal    ${error}    BAD_CRC
    Ping Should Succeed    still alive

Sine Layers Stay Within Their Budgets
    [Documentation]    Per-layer instruction budgets, and an estimated-cycle budget on the built-in engine.
    Run Random Inputs    count=4    seed=5
    Log Layer Profile
    Layer 0 Instructions Should Be At Most    ${LAYER_0_BUDGET}
    Layer 1 Instructions Should Be At Most    ${LAYER_1_BUDGET}
    Layer 2 Instructions Should Be At Most    ${LAYER_2_BUDGET}
    IF    '${ENGINE}' == 'builtin'
        Estimated Cycles Per Inference Should Be At Most    ${CYCLE_BUDGET}
    END
