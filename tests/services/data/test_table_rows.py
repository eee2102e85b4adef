"""Tables written in bulk: a larger generated bundle round-trips; events count their changes."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator import models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data.imports import import_bundle, load_bundle, table_contents
from coordinator.store import Store
from tests.factories import small_bundle

from .test_imports import canonical

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)


async def test_generated_district_part_round_trips_and_reimports_unchanged(store: Store) -> None:
    bundle = generate_bundle(classrooms=150, teachers=50, seed=4, profile="tight")
    first = await import_bundle(store, bundle, source="test", now=NOW)
    assert first.counts()["busy_blocks"]["added"] == len(bundle.busy_blocks) > 100
    assert canonical(await load_bundle(store)) == canonical(bundle)
    before = await table_contents(store)
    again = await import_bundle(store, bundle, source="test", now=LATER)
    assert not again.touched
    assert await table_contents(store) == before


async def test_changed_or_returning_event_counts_a_revision_unchanged_one_does_not(
    store: Store,
) -> None:
    bundle = small_bundle()
    event = bundle.events[0]
    await import_bundle(store, bundle, source="test", now=NOW)
    moved = dataclasses.replace(event, title=event.title + "（改）")
    await import_bundle(store, small_bundle(events=(moved,)), source="test", now=LATER)
    await import_bundle(store, small_bundle(events=(moved,)), source="test", now=LATER)
    async with store.read() as session:
        row = await session.get(models.EventRow, event.id)
    assert row is not None
    assert (row.revision, row.title, row.updated_at) == (1, moved.title, LATER)
    await import_bundle(store, small_bundle(events=()), source="test", now=LATER)
    await import_bundle(store, small_bundle(events=(moved,)), source="test", now=LATER)
    async with store.read() as session:
        row = await session.get(models.EventRow, event.id)
    assert row is not None
    assert (row.revision, row.retired_at) == (2, None)
