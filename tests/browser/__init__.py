"""Scripted browsers for the login tests (used through `$BROWSER`)."""
