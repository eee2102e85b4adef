"""Tests of coordinator.bundle."""
