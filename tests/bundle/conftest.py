"""Fixtures of the bundle tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import SMALL, BundleCopy


@pytest.fixture
def small(tmp_path: Path) -> BundleCopy:
    """A writable copy of tests/data/bundles/small."""
    return BundleCopy.of(SMALL, tmp_path)
