"""Tests of coordinator.services.streaming.callbacks."""
