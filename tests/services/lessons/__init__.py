"""Tests of coordinator.services.lessons.dated."""
