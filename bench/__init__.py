"""Benchmarks: run with `python -m bench` (all suites) or `python -m bench.NAME`."""
