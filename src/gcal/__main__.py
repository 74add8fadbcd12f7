"""Allow `python -m gcal`."""

from gcal.cli import main

if __name__ == "__main__":
    main()
