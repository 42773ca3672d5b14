"""Benchmarks: scripts that print figures (not tests). Run them as `python -m benchmarks.<name>`."""
