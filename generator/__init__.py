"""Model intake, .tflite reading, planning, C generation and firmware build."""
