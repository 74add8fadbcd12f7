"""What each command does, end to end: option values in, output and an exit status out."""
