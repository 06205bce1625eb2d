"""One module per operator family; see registry.py."""
