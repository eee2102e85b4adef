"""The time limit counts from the request: reading the data and building the problem included."""

from __future__ import annotations

import datetime as dt
import time

from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.planning.solve import solve_and_store, solve_budget, solver_options
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable import build_problem, validate_plan

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
HANG_S = 300  # a ceiling that catches a solve ignoring its limit; timing is in benchmarks/


async def test_tight_district_with_a_tiny_limit_gets_a_complete_valid_stored_plan(
    store: Store,
) -> None:
    await import_bundle(
        store,
        generate_bundle(classrooms=600, teachers=200, seed=0, profile="tight"),
        source="test",
        now=NOW,
    )
    settings = SolverSettings(num_workers=1, time_limit_s=0.5)
    started = time.monotonic()
    stored = await solve_and_store(store, settings, now=NOW)
    assert time.monotonic() - started < HANG_S
    problem = build_problem(await load_bundle(store), solver_options(settings))
    stats = stored.plan.stats
    assert validate_plan(problem, stored.plan) == []
    assert stats.delivered_periods > 0
    # complete: every period of every need is either delivered or explained
    missing = sum(unmet.periods for unmet in stored.plan.unmet)
    assert stats.delivered_periods + missing == stats.demand_periods


def test_a_published_solve_leaves_time_for_dating_within_the_limit() -> None:
    province_needs = 16_141

    alone = solve_budget(60.0, 5.0, province_needs)
    published = solve_budget(60.0, 5.0, province_needs, publishing=True)

    assert alone == 55.0  # the limit less reading
    assert 45.0 < published < alone  # less what storing and dating a province will take
    assert solve_budget(60.0, 5.0, 176, publishing=True) > 54.9  # a county: almost nothing
    # however long reading and dating take, the solver keeps 35% of the limit
    assert solve_budget(10.0, 6.0, province_needs, publishing=True) == 3.5
