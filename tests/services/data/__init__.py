"""Tests of coordinator.services.data."""
