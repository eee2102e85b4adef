"""Metrics, structured logs and request ids: what an operator sees of a running coordinator."""
