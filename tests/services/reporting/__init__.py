"""Tests of coordinator.services.reporting.facts."""
