"""Typed records of the 8x8 APIs: one module per API family (`stats`, …)."""
