"""Pure functions with no I/O: the time grammar, event times, and the cores of the commands."""
