"""Metrics: pure Polars on the canonical facts (absorption, ranking, quarters, pace, changes).

No I/O and no printing; ``evaluate`` is the one entry every command computes through.
"""
