"""Tests of coordinator.services.accounts.users."""
