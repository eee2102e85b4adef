"""Publishing in bulk: the same rows as reconciling lesson by lesson, in a bounded number of
statements, keys, UIDs and SEQUENCE stable across re-plans (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.bundle.synthetic.generate import generate_bundle
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.lessons import stored
from coordinator.services.lessons.dated import (
    current_layers,
    date_layers,
    last_term_day,
    publish_lessons,
    reconcile_one,
    with_hand_edits,
)
from coordinator.services.lessons.edit_rows import newest_edits
from coordinator.services.lessons.stored import new_lesson_row
from coordinator.services.planning.plans import load_plan, save_plan
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import SolverSettings
from coordinator.store import Store

SOLVER = SolverSettings(num_workers=1, time_limit_s=2)


def tight_county() -> domain.Bundle:
    return generate_bundle(classrooms=12, teachers=5, seed=1, profile="tight")


def first_day(bundle: domain.Bundle) -> dt.date:
    return min(term.start for term in bundle.terms)


async def planned(store: Store, bundle: domain.Bundle) -> tuple[dt.datetime, dt.date]:
    today = first_day(bundle)
    now = dt.datetime.combine(today, dt.time(1), tzinfo=dt.UTC) - dt.timedelta(days=2)
    await import_bundle(store, bundle, source="test", now=now)
    await solve_and_store(store, SOLVER, now=now)
    return now, today


async def table_rows(session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
    """Every lesson, classroom link and departure as plain values, sorted."""
    tables = (models.LessonRow, models.LessonClassroomRow, models.LessonDepartureRow)
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        found = (await session.exec(select(table))).all()
        plain = (dict(sorted(r.model_dump().items())) for r in found)
        rows[table.__name__] = sorted(plain, key=repr)
    return rows


async def reconcile_row_by_row(store: Store, *, now: dt.datetime, today: dt.date) -> None:
    """What publishing did before it was bulk: an ORM row per lesson, reconciled one by one
    (`reconcile_one` is publishing's own rule for one lesson)."""
    bundle = await load_bundle(store)
    async with store.read() as session:
        layers = await current_layers(session)
    dated = date_layers(bundle, layers, today, last_term_day(bundle, today))
    async with store.write() as session:
        dated = with_hand_edits(
            bundle, layers, dated, await newest_edits(session, today=today), today
        )
        query = select(models.LessonRow).where(col(models.LessonRow.date) >= today)
        stored = {row.key: row for row in (await session.exec(query)).all()}
        for item in dated:
            row = stored.pop(item.lesson.key, None)
            if row is None:
                session.add(new_lesson_row(item.lesson, item.subject_id, item.version_id, now))
                await session.flush()
                for classroom_id in item.lesson.classroom_ids:
                    link = models.LessonClassroomRow(
                        lesson_key=item.lesson.key, classroom_id=classroom_id
                    )
                    session.add(link)
            else:
                await reconcile_one(session, row, item, now=now)
        for row in stored.values():
            await reconcile_one(session, row, None, now=now)
        await session.flush()


async def snapshot(store: Store) -> dict[str, list[dict[str, Any]]]:
    async with store.read() as session:
        return await table_rows(session)


class Undo(Exception):
    """Raised to roll a write back after reading what it did."""


async def row_by_row_result(
    store: Store, *, now: dt.datetime, today: dt.date
) -> dict[str, list[dict[str, Any]]]:
    """The rows reconciling one by one would leave, without keeping them (rolled back)."""
    result: dict[str, list[dict[str, Any]]] = {}
    original = store.write

    @asynccontextmanager
    async def capture() -> Any:
        async with original() as session:
            yield session
            await session.flush()
            result.update(await table_rows(session))
            raise Undo

    store.write = capture  # type: ignore[method-assign]
    try:
        with pytest.raises(Undo):
            await reconcile_row_by_row(store, now=now, today=today)
    finally:
        store.write = original  # type: ignore[method-assign]
    return result


@contextmanager
def counted_statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = store.writer.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("lookup", ["by key", "by join"])
async def test_bulk_publish_leaves_the_rows_reconciling_one_by_one_leaves(
    store: Store, lookup: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if lookup == "by join":  # the links of many lessons are read with one join, not by key
        monkeypatch.setattr(stored, "BY_KEY_MAX", 0)
    bundle = tight_county()
    now, today = await planned(store, bundle)
    expected = await row_by_row_result(store, now=now, today=today)
    await publish_lessons(store, now=now, today=today)
    first = await snapshot(store)
    assert first["LessonRow"]
    assert first == expected

    # A re-plan a week on: one session moved, one loses a classroom, one dropped.
    later, week_on = now + dt.timedelta(days=7), today + dt.timedelta(days=7)
    async with store.write() as session:
        version_id, plan = await load_plan(session)
        moved, fewer, dropped, *rest = [s for s in plan.sessions if len(s.classroom_ids) > 1]
        sessions = [
            dataclasses.replace(moved, start=dt.time(7, 5), end=dt.time(7, 45)),
            dataclasses.replace(fewer, classroom_ids=fewer.classroom_ids[1:]),
            *rest,
            *(s for s in plan.sessions if len(s.classroom_ids) <= 1),
        ]
        changed = dataclasses.replace(plan, sessions=tuple(sessions))
        await save_plan(
            session, changed, kind="solve", now=later, seed=0, time_limit_s=0, parent_id=version_id
        )
    expected = await row_by_row_result(store, now=later, today=week_on)
    summary = await publish_lessons(store, now=later, today=week_on)
    assert summary.added == []
    assert summary.changed
    assert summary.cancelled
    second = await snapshot(store)
    assert second == expected
    departed = {(r["lesson_key"], r["classroom_id"]) for r in second["LessonDepartureRow"]}
    assert {key.split("@")[0] for key, _ in departed} == {fewer.id}
    assert dropped.id in {key.split("@")[0] for key in summary.cancelled}


async def test_a_replan_that_moves_one_session_keeps_every_other_uid_and_sequence(
    store: Store,
) -> None:
    bundle = tight_county()
    now, today = await planned(store, bundle)
    await publish_lessons(store, now=now, today=today)
    before = {r["key"]: r for r in (await snapshot(store))["LessonRow"]}
    later = now + dt.timedelta(hours=1)
    async with store.write() as session:
        version_id, plan = await load_plan(session)
        first, *others = plan.sessions
        moved = dataclasses.replace(first, start=dt.time(6, 0), end=dt.time(6, 40))
        await save_plan(
            session,
            dataclasses.replace(plan, sessions=(moved, *others)),
            kind="solve",
            now=later,
            seed=0,
            time_limit_s=0,
            parent_id=version_id,
        )
    current = await load_bundle(store)
    with counted_statements(store) as statements:
        summary = await publish_lessons(store, now=later, today=today, bundle=current)
    after = {r["key"]: r for r in (await snapshot(store))["LessonRow"]}
    assert after.keys() == before.keys()
    moved_keys = {key for key in after if after[key]["session_key"] == first.id}
    assert moved_keys
    assert set(summary.changed) == moved_keys
    for key, row in after.items():
        assert row["uid"] == before[key]["uid"]
        if key in moved_keys:
            assert (row["revision"], row["status"]) == (before[key]["revision"] + 1, "moved")
            assert row["link_revision"] == before[key]["link_revision"] + 1
        else:
            assert (row["revision"], row["fingerprint"]) == (
                before[key]["revision"],
                before[key]["fingerprint"],
            )
    # Bounded: a handful of statements whatever the number of lessons (no per-row trips).
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert len(after) > 50
    assert len(statements) <= 25, statements
    assert len(writes) <= 8, writes
