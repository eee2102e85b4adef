"""Tests of coordinator.services.planning.solve."""
