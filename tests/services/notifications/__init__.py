"""Tests of coordinator.services.notifications.outbox."""
