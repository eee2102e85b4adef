"""Importing bundles: all or nothing, idempotent, update by id, retire but never delete."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from coordinator import domain, models
from coordinator.services.data.imports import import_bundle, load_bundle, table_contents
from coordinator.store import Store
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)


def canonical(bundle: domain.Bundle) -> dict[str, Any]:
    """A bundle's content regardless of row order."""
    return {
        field.name: sorted(map(repr, value)) if isinstance(value, tuple) else value
        for field in dataclasses.fields(bundle)
        if field.compare
        for value in [getattr(bundle, field.name)]
    }


async def test_import_then_load_gives_back_the_bundle(store: Store) -> None:
    bundle = small_bundle()
    await import_bundle(store, bundle, source="test", now=NOW)
    assert canonical(await load_bundle(store)) == canonical(bundle)


async def test_import_twice_changes_nothing(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    before = await table_contents(store)
    summary = await import_bundle(store, small_bundle(), source="test", now=LATER)
    assert not summary.touched
    assert summary.counts()["classrooms"] == {
        "added": 0,
        "changed": 0,
        "retired": 0,
        "unchanged": 3,
    }
    assert await table_contents(store) == before


async def test_reimport_updates_by_id_and_retires_missing_rows(store: Store) -> None:
    bundle = small_bundle()
    await import_bundle(store, bundle, source="test", now=NOW)
    renamed = dataclasses.replace(bundle.classrooms[0], students=35)
    added = domain.Classroom("c-west-4", "r-west", "四年级", 4, 7, "a-zhao")
    changed = small_bundle(
        classrooms=(renamed, added),
        needs=(domain.Need("c-east-3", "music", 2),),
    )
    summary = await import_bundle(store, changed, source="test", now=LATER)
    assert summary.tables["classrooms"].added == [("c-west-4",)]
    assert summary.tables["classrooms"].changed == [("c-east-3",)]
    assert sorted(summary.tables["classrooms"].retired) == [("c-east-4",), ("c-west-3",)]
    assert sorted(summary.tables["needs"].retired) == [("c-east-4", "art"), ("c-west-3", "music")]
    async with store.read() as session:
        retired = await session.get(models.ClassroomRow, "c-east-4")
    assert retired is not None
    assert retired.retired_at == LATER
    assert canonical(await load_bundle(store)) == canonical(changed)


async def test_reimport_restores_a_retired_row(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    await import_bundle(store, small_bundle(events=()), source="test", now=LATER)
    summary = await import_bundle(store, small_bundle(), source="test", now=LATER)
    assert summary.tables["events"].added == [("e-jiaoyan",)]
    assert canonical(await load_bundle(store)) == canonical(small_bundle())


async def test_failed_import_leaves_database_as_it_was(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    before = await table_contents(store)
    dangling = domain.Classroom("c-new", "r-east", "五年级", 5, 20, "no-such-assistant")
    broken = small_bundle(
        classrooms=(*small_bundle().classrooms, dangling),
        subjects=(domain.Subject("music", "音乐课", "Music"), domain.Subject("art", "美术", "Art")),
    )
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await import_bundle(store, broken, source="test", now=LATER)
    assert await table_contents(store) == before


async def test_import_records_the_run(store: Store) -> None:
    summary = await import_bundle(
        store, small_bundle(), source="config/demo", now=NOW, shift_days=14
    )
    async with store.read() as session:
        run = await session.get(models.ImportRunRow, summary.run_id)
    assert run is not None
    assert (run.source, run.shift_days, run.imported_at) == ("config/demo", 14, NOW)
    assert run.summary["classrooms"]["added"] == 3
