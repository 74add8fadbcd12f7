"""gcal's benchmark suite: whole-process figures against the emulator, run with `python -m bench`.

See `bench/README.md` for what is measured and how, and `bench.run` for the code.
"""
