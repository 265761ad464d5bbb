"""Benchmarks: ``python -m bench`` (``make bench``). See docs/BENCHMARKS.md."""
