"""Benchmarks: each prints ratios of the SDK against a raw baseline measured in the same run."""
