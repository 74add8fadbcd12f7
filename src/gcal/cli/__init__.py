"""The `gcal` command line: parses options and hands them to the modules that do the work.

`app` holds the group and the entry point; every option is declared once, by family: `options`
(the global options), `formats`, `apioptions`, `viewoptions` and `storeoptions`, with
`runsettings` turning their values into a run's Settings; one module per command family
(`listing`, `auth`, `emulator`, ...) holds its commands, parsing and wiring only.
"""

from gcal.cli.app import cli, main

__all__ = ["cli", "main"]
