"""Tests of coordinator.services.rebalancing.proposals."""
