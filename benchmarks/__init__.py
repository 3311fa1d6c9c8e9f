"""Benchmarks of the workspace (make bench, make bench-reliability) and the synthetic corpus they run on: developer
tooling, outside the product package."""
