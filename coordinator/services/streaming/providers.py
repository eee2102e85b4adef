"""Which provider (and settings) each school's links come from, so a change raises SEQUENCE.

Links are derived, never stored, so nothing else notices when `[streams]` changes: every URL of
a school changes at once while the lessons' revisions stay. Each school's provider name and
settings are kept as a fingerprint; a new fingerprint raises the school's `epoch`, which feeds
add to every event's SEQUENCE (and its LAST-MODIFIED moves), as a changed link requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store
from coordinator.streams import StreamsSettings


@dataclass(frozen=True, slots=True)
class ProviderEpoch:
    epoch: int = 0
    changed_at: dt.datetime | None = None  # None: the links have not changed since the start


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def provider_fingerprint(settings: StreamsSettings, school_id: str) -> str:
    """A digest of what a school's links derive from: the provider's name and its settings."""
    name = settings.provider_name(school_id)
    section = settings.section(name).model_dump() if name is not None else None
    text = json.dumps([name, _plain(section)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def provider_epochs(
    store: Store, settings: StreamsSettings, school_ids: Iterable[str], *, now: dt.datetime
) -> dict[str, ProviderEpoch]:
    """Each school's epoch, raised (and written) where its provider or settings changed."""
    wanted = {school: provider_fingerprint(settings, school) for school in set(school_ids)}
    table = models.StreamProviderRow
    query = select(table).where(col(table.school_id).in_(list(wanted)))
    async with store.read() as session:
        rows = {row.school_id: row for row in (await session.exec(query)).all()}
        epochs = {school: ProviderEpoch(row.epoch, row.changed_at) for school, row in rows.items()}
    if all(school in rows and rows[school].fingerprint == f for school, f in wanted.items()):
        return epochs
    async with store.write() as session:  # rare: the first feed, or after a change
        rows = {row.school_id: row for row in (await session.exec(query)).all()}
        for school, fingerprint in wanted.items():
            row = rows.get(school)
            if row is None:
                row = rows[school] = table(school_id=school, fingerprint=fingerprint)
            elif row.fingerprint != fingerprint:
                row.fingerprint, row.epoch, row.changed_at = fingerprint, row.epoch + 1, now
            session.add(row)
            epochs[school] = ProviderEpoch(row.epoch, row.changed_at)
    return epochs
