"""The Renode engine: the bench's firmware on Renode, driven through its monitor."""
