"""`solve_and_publish` reads the data once and reports the seconds of each phase (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from coordinator import models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data import imports
from coordinator.services.planning import solve as planning
from coordinator.settings import Settings, SolverSettings
from coordinator.store import Store


async def test_solve_and_publish_reads_once_and_times_every_phase(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = generate_bundle(classrooms=12, teachers=5, seed=1, profile="tight")
    today = min(term.start for term in bundle.terms)
    now = dt.datetime.combine(today, dt.time(1), tzinfo=dt.UTC)
    await imports.import_bundle(store, bundle, source="test", now=now)
    reads = []
    original = imports.load_bundle

    async def counted(store: Store) -> object:
        reads.append(1)
        return await original(store)

    for module in ("planning.solve", "lessons.dated", "feeds.subscriptions"):
        monkeypatch.setattr(f"coordinator.services.{module}.load_bundle", counted)
    settings = Settings(secret_key="s" * 32, solver=SolverSettings(num_workers=1, time_limit_s=2))
    published = await planning.solve_and_publish(store, settings, now=now, today=today)
    assert len(reads) == 1
    assert list(published.phases) == [
        "read",
        "solve",
        "store plan",
        "enrolments",
        "publish lessons",
        "feed tokens",
    ]
    assert all(seconds >= 0 for seconds in published.phases.values())
    async with store.read() as session:
        stored = (await session.exec(select(models.LessonRow))).all()
        tokens = (await session.exec(select(models.FeedTokenRow))).all()
    assert len(stored) == len(published.lessons.added) > 0
    assert {(t.owner_kind, t.owner_id) for t in tokens} >= {
        ("teacher", bundle.network_teachers[0].id)
    }
