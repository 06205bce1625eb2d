"""Helpers shared by the test folders: building .tflite files and running them on the device."""
