"""Synthetic workout videos with exact ground truth, for tests, benchmarks and the sample videos."""
