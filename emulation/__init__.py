"""Platform descriptions (.repl) and the engines that run firmware on them."""
