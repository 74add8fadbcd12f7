"""The `gcal` command line: parses options and hands them to the modules that do the work.

`app` holds the group and the entry point; `options` declares every option once; one module per
command family (`listing`, `auth`, `emulator`, ...) holds its commands, parsing and wiring only.
"""

from gcal.cli.app import cli, main

__all__ = ["cli", "main"]
