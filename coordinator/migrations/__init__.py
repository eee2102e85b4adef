"""Alembic migrations of coordinator's schema, one revision per schema change."""
