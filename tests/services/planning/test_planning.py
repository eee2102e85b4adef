"""Solving the stored data and keeping the plan as a timetable version, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.errors import CoordinatorError
from coordinator.services.data.imports import import_bundle
from coordinator.services.planning.plans import load_plan
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import SolverSettings
from coordinator.store import Store
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
SETTINGS = SolverSettings(num_workers=1, time_limit_s=10)


async def test_solve_stores_an_active_version_that_reads_back_equal(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    stored = await solve_and_store(store, SETTINGS, now=NOW)
    async with store.read() as session:
        version_id, plan = await load_plan(session)
    assert version_id == stored.version_id
    assert plan == stored.plan
    assert plan.stats.delivered_periods == plan.stats.demand_periods == 4


async def test_second_solve_becomes_the_active_version(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    first = await solve_and_store(store, SETTINGS, now=NOW)
    second = await solve_and_store(store, SETTINGS, now=NOW)
    async with store.read() as session:
        active_id, _ = await load_plan(session)
        old_id, old_plan = await load_plan(session, first.version_id)
    assert (active_id, old_id) == (second.version_id, first.version_id)
    assert old_plan.sessions == second.plan.sessions  # same data, same seed, same plan


async def test_solve_without_data_says_what_to_do(store: Store) -> None:
    with pytest.raises(CoordinatorError, match="import a bundle first"):
        await solve_and_store(store, SETTINGS, now=NOW)
