"""Tests of coordinator.services.scheduler."""
