"""User names as people type them: one form to store and compare (NFKC, case-folded)."""

from __future__ import annotations

import unicodedata


def username_key(username: str) -> str:
    """The form two user names are compared in: NFKC, case-folded, outer spaces dropped."""
    return unicodedata.normalize("NFKC", username).strip().casefold()
