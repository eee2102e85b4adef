"""Tests of coordinator.services.checkins."""
