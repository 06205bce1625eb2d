"""tflm-bench: check a TFLite Micro deployment for the nRF52840 on an emulator."""
