"""Storing an urban timetable: the named teachers' busy blocks replaced, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from coordinator.bundle import DEFAULT_LIMITS, read_bundle
from coordinator.services.data.imports import import_bundle, load_bundle, table_contents
from coordinator.services.data.timetables import preview_timetable, store_timetable
from coordinator.store import Store
from tests.bundle.office import DEMO
from tests.bundle.timetable_examples import EXAMPLES

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)


async def test_stored_timetable_replaces_only_its_teachers_blocks(store: Store) -> None:
    demo = read_bundle(DEMO).bundle
    assert demo is not None
    await import_bundle(store, demo, source="demo", now=NOW)
    preview = preview_timetable(EXAMPLES / "asc-timetable.xml", demo, DEFAULT_LIMITS)

    report, summary = await store_timetable(store, preview, now=NOW + dt.timedelta(hours=1))

    assert summary is not None
    assert report.errors == []
    stored = (await load_bundle(store)).busy_blocks
    named = {"t-zhaomin", "t-sunhao"}
    assert sorted((b for b in stored if b.teacher_id in named), key=repr) == sorted(
        preview.blocks, key=repr
    )
    others = sorted((b for b in demo.busy_blocks if b.teacher_id not in named), key=repr)
    assert sorted((b for b in stored if b.teacher_id not in named), key=repr) == others


async def test_timetable_that_breaks_a_check_stores_nothing(store: Store, tmp_path: Path) -> None:
    demo = read_bundle(DEMO).bundle
    assert demo is not None
    await import_bundle(store, demo, source="demo", now=NOW)
    before = await table_contents(store)
    preview = preview_timetable(EXAMPLES / "fet-timetable.fet", demo, DEFAULT_LIMITS)
    # a block whose teacher left the data since the preview: the bundle check refuses it
    ghost = dataclasses.replace(preview.blocks[0], teacher_id="t-gone")
    preview.blocks.append(ghost)

    report, summary = await store_timetable(store, preview, now=NOW + dt.timedelta(hours=1))

    assert summary is None
    assert any("t-gone" in problem.message for problem in report.errors)
    assert await table_contents(store) == before
