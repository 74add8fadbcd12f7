"""gcal's benchmark suite: whole-process figures against the emulator, run with `python -m bench`.

See `bench/README.md` for what is measured and how, and `bench.run` for the code
(its rows in `bench.rows`, running and measuring them in `bench.measure`, the targets they are
judged by in `bench.targets`).
"""
