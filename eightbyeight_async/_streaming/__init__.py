"""The SAPI streaming reader behind `cc.streaming`: framing, delivery tracking, checkpoints."""
