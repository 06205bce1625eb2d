"""The built-in engine: the nRF52840 parts the firmware uses, on Unicorn."""
