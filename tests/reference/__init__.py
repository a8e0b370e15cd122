"""Per-sample reference implementations used by the tests and tools/benchmark.py."""
