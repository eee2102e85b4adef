"""A solve as a job, run by the in-process runner (as in `serve` on SQLite), on both databases."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

from coordinator.bundle.synthetic import generate_bundle
from coordinator.models import JobRow
from coordinator.services.data.imports import import_bundle
from coordinator.services.jobs import records
from coordinator.services.jobs.runners import InProcessRunner
from coordinator.services.jobs.solving import KIND, solve_params
from coordinator.services.planning.plans import save_plan
from coordinator.settings import JobSettings, Settings, SolverSettings
from coordinator.store import Store
from coordinator.timetable import build_problem, solve
from coordinator.timetable.plan_json import plan_from_json
from tests.factories import small_bundle
from tests.timetable.factories import TEST_OPTIONS, busy, make_bundle, need, room, teacher
from tests.timetable.test_keep_current import PERIODS, lessons

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
SETTINGS = Settings(
    solver=SolverSettings(num_workers=1, time_limit_s=10),
    jobs=JobSettings(heartbeat_s=0.2, sweep_every_s=0.2),
)
HANG_S = 120  # only to catch a hang


def clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def ended(store: Store, job_id: int) -> JobRow:
    """The job once it ended (another task runs it)."""
    async with asyncio.timeout(HANG_S):
        while True:
            row = await records.get_job(store, job_id)
            if row.state in records.ENDED:
                return row
            await asyncio.sleep(0.1)


async def reached(store: Store, job_id: int, phase: str) -> dict[str, Any]:
    """The job's progress once it reached a phase."""
    async with asyncio.timeout(HANG_S):
        while True:
            row = await records.get_job(store, job_id)
            if row.progress.get("phase") == phase:
                return row.progress
            await asyncio.sleep(0.05)


async def test_a_solve_job_runs_to_a_valid_plan_with_its_progress(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    params = solve_params(time_limit_s=5.0, scope="region:xiao")
    job_id = await records.create_job(store, kind=KIND, params=params, requested_by="a", now=NOW)
    runner = InProcessRunner(store, SETTINGS, clock)
    runner.start()
    try:
        await runner.submit(job_id)
        row = await ended(store, job_id)
    finally:
        await runner.close()
    assert (row.state, row.error, row.attempts) == (records.DONE, "", 1)
    plan = plan_from_json(row.result["plan"])
    assert plan.stats.delivered_periods == plan.stats.demand_periods == 4
    assert row.progress["phase"] == "done"
    assert row.progress["delivered"] == 4
    assert row.progress["time_limit_s"] == 5.0
    assert row.result["stamp"] == {"active_id": 0, "temporary_ids": [], "import_run": 1}


async def test_a_stopped_solve_job_keeps_its_best_plan(store: Store) -> None:
    bundle = generate_bundle(classrooms=60, teachers=20, seed=3)
    await import_bundle(store, bundle, source="test", now=NOW)
    params = solve_params(time_limit_s=600.0, scope="")
    job_id = await records.create_job(store, kind=KIND, params=params, requested_by="a", now=NOW)
    runner = InProcessRunner(store, SETTINGS, clock)
    runner.start()
    try:
        await runner.submit(job_id)
        seen = await reached(store, job_id, "improve")
        await records.request_stop(store, job_id)
        row = await ended(store, job_id)
    finally:
        await runner.close()
    assert row.state == records.STOPPED
    assert row.progress["stopped"] is True
    assert 0 < seen["delivered"] <= row.progress["delivered"]
    plan = plan_from_json(row.result["plan"])
    assert plan.stats.delivered_periods == row.progress["delivered"]
    assert (
        sum(u.periods for u in plan.unmet)
        == plan.stats.demand_periods - plan.stats.delivered_periods
    )


async def test_a_solve_job_without_data_fails_saying_why(store: Store) -> None:
    params = solve_params(time_limit_s=5.0, scope="region:xiao")
    job_id = await records.create_job(store, kind=KIND, params=params, requested_by="a", now=NOW)
    runner = InProcessRunner(store, SETTINGS, clock)
    runner.start()
    try:
        row = await ended(store, job_id)  # found by polling, without a submit
    finally:
        await runner.close()
    assert row.state == records.FAILED
    assert "import a bundle first" in row.error


async def test_a_solve_job_for_a_region_without_classrooms_fails_saying_which(
    store: Store,
) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    params = solve_params(time_limit_s=5.0, scope="region:nowhere")
    job_id = await records.create_job(store, kind=KIND, params=params, requested_by="a", now=NOW)
    runner = InProcessRunner(store, SETTINGS, clock)
    runner.start()
    try:
        row = await ended(store, job_id)
    finally:
        await runner.close()
    assert row.state == records.FAILED
    assert row.error == "nothing to solve: region nowhere has no classrooms"


async def test_a_solve_job_keeping_the_current_timetable_keeps_its_lessons(store: Store) -> None:
    rooms = [room(f"c-{n}") for n in range(3)]
    bundle = make_bundle(
        teachers=[teacher("t-1")],
        classrooms=rooms,
        needs=[need(r.id, "music", 2) for r in rooms],
        periods=PERIODS,
    )
    mornings = tuple(busy("t-1", day, "08:00", "11:00") for day in (1, 2, 3, 4))
    current = solve(build_problem(dataclasses.replace(bundle, busy_blocks=mornings), TEST_OPTIONS))
    await import_bundle(store, bundle, source="test", now=NOW)  # her mornings are free again
    async with store.write() as session:
        await save_plan(session, current, kind="solve", now=NOW, seed=0, time_limit_s=0)
    runner = InProcessRunner(store, SETTINGS, clock)
    runner.start()
    plans = []
    try:
        for keep_current in (True, False):
            params = solve_params(
                time_limit_s=5.0, scope="region:county", keep_current=keep_current
            )
            job_id = await records.create_job(
                store, kind=KIND, params=params, requested_by="a", now=NOW
            )
            await runner.submit(job_id)
            plans.append(plan_from_json((await ended(store, job_id)).result["plan"]))
    finally:
        await runner.close()
    kept, free = plans
    assert lessons(current) <= lessons(kept)
    assert not lessons(current) <= lessons(free)  # without it, the solver moves some
