"""A real board on a serial port, behind the same Engine interface as the emulators."""
