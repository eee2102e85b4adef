"""Tests of coordinator.services.feeds.render."""
