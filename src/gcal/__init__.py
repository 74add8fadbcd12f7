"""gcal: a command-line client for Google Calendar.

The version lives here as a literal (not read through importlib.metadata) so that
`gcal --version` costs nothing beyond importing this module.
"""

__version__ = "0.1.0"
