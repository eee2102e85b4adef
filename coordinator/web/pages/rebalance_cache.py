"""Proposals waiting for Apply or Discard, kept in this process for a while.

Each proposal is under a random id and only for the admin who made it. Another worker
process does not see it: the Apply handler then makes the proposal again (rebalance.py).
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from coordinator.services.rebalancing.proposals import RebalancePreview
from coordinator.web.pages.rebalance_form import Parsed

KEEP_S = 30 * 60
MAX_KEPT = 64  # the oldest go first beyond this


@dataclass(frozen=True, slots=True)
class Kept:
    user_id: int
    made: float  # time.monotonic()
    preview: RebalancePreview
    parsed: Parsed
    digest: str


@dataclass
class PreviewCache:
    entries: OrderedDict[str, Kept] = field(default_factory=OrderedDict)

    def put(self, kept: Kept) -> str:
        """Keep a proposal; its id."""
        self._expire()
        preview_id = secrets.token_urlsafe(16)
        self.entries[preview_id] = kept
        while len(self.entries) > MAX_KEPT:
            self.entries.popitem(last=False)
        return preview_id

    def take(self, preview_id: str, user_id: int) -> Kept | None:
        """The proposal, removed, if it is there and this user made it."""
        self._expire()
        kept = self.entries.get(preview_id)
        if kept is None or kept.user_id != user_id:
            return None
        return self.entries.pop(preview_id)

    def _expire(self) -> None:
        for key, kept in list(self.entries.items()):
            if time.monotonic() - kept.made > KEEP_S:
                del self.entries[key]
