"""A solve as a job: run off the event loop, progress stored while it runs, stoppable.

The solver runs in a thread (CP-SAT releases the interpreter lock; the greedy yields it), so
the event loop keeps writing heartbeats with the latest progress and reading whether a stop
was asked for. A region admin's solve covers the region's part of the data; its plan is set
into the rest of the active timetable (``timetable.part``). The plan is validated before it
is kept; it is kept in the job's result with
what it was made from (the stamp), for the console to show as a proposal and publish.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from coordinator.domain import Bundle
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.parts import solve_part
from coordinator.services.jobs import records
from coordinator.services.planning.plans import load_plan
from coordinator.services.planning.solve import (
    check_before_storing,
    kept_enrolments,
    solver_options,
)
from coordinator.services.rebalancing.proposals import read_stamp
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.part import merge_part
from coordinator.timetable.plan import Draft, Plan, plan_to_json
from coordinator.timetable.problem import Problem
from coordinator.timetable.progress import Progress, SolveControl
from coordinator.timetable.rebalance import current_start
from coordinator.timetable.reserve import reserve_enrolled
from coordinator.timetable.solve import solve

log = logging.getLogger(__name__)

KIND = "solve"
Clock = Callable[[], dt.datetime]
Start = tuple[list[Draft], frozenset[tuple[int, int, int]]]  # first drafts, lessons to keep


def solve_params(
    *, time_limit_s: float, scope: str, keep_pinned: bool = True, keep_current: bool = False
) -> dict[str, Any]:
    """What a solve job is asked to do (stored with the job)."""
    return {
        "time_limit_s": time_limit_s,
        "scope": scope,
        "keep_pinned": keep_pinned,
        "keep_current": keep_current,
    }


async def run_solve_job(
    store: Store, settings: Settings, job_id: int, *, worker: str, clock: Clock
) -> str | None:
    """Claim the job and run it to its end; its final state (None: another runner has it)."""
    if not await records.claim(store, job_id, worker=worker, now=clock()):
        return None
    job = await records.get_job(store, job_id)
    try:
        result, progress, stopped = await _solve(store, settings, job, worker=worker, clock=clock)
    except CoordinatorError as error:
        log.warning("solve job %d failed: %s", job_id, error)
        return await _failed(store, job_id, worker=worker, now=clock(), error=str(error))
    except Exception as error:  # a bug: the job ends failed, not running, and the log has why
        log.exception("solve job %d failed", job_id)
        message = f"internal error ({type(error).__name__}); see the worker's log"
        return await _failed(store, job_id, worker=worker, now=clock(), error=message)
    state = records.STOPPED if stopped else records.DONE
    await records.finish(
        store, job_id, worker=worker, state=state, now=clock(), result=result, progress=progress
    )
    log.info("solve job %d %s: %s", job_id, state, progress)
    return state


async def _failed(store: Store, job_id: int, *, worker: str, now: dt.datetime, error: str) -> str:
    await records.finish(store, job_id, worker=worker, state=records.FAILED, now=now, error=error)
    return records.FAILED


async def _solve(
    store: Store, settings: Settings, job: Any, *, worker: str, clock: Clock
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The plan (as JSON, with its stamp), the last progress, and whether it was stopped."""
    async with store.read() as session:  # the stamp first: a later change makes it stale
        stamp, _ = await read_stamp(session)
    bundle = await load_bundle(store)
    if not bundle.classrooms:
        raise CoordinatorError("nothing to solve: import a bundle first")
    limit = float(job.params.get("time_limit_s", settings.solver.time_limit_s))
    options = solver_options(settings.solver, time_limit_s=limit)
    scope = str(job.params.get("scope", ""))
    part = solve_part(bundle, scope)
    if not part.classrooms:
        kind, _, name = scope.partition(":")
        raise CoordinatorError(f"nothing to solve: {kind} {name} has no classrooms")
    problem = await asyncio.to_thread(build_problem, part, options)
    today = clock().astimezone(ZoneInfo(settings.default_time_zone)).date()
    problem = reserve_enrolled(problem, await kept_enrolments(store, settings.solver, today))
    start: Start = ([], frozenset())
    if job.params.get("keep_current"):  # from the current lessons that still fit, kept if can be
        start = await asyncio.to_thread(current_start, problem, await _active_plan(store))
    control = SolveControl()
    if job.stop_requested:
        control.stop()
    started = time.monotonic()
    running = asyncio.ensure_future(asyncio.to_thread(_solved, problem, limit, control, start))
    while not running.done():
        await asyncio.wait({running}, timeout=settings.jobs.heartbeat_s)
        progress = progress_json(control.last, limit, time.monotonic() - started)
        assert job.id is not None
        if await records.beat(store, job.id, worker=worker, progress=progress, now=clock()):
            control.stop()
    plan = running.result()
    if part is not bundle:  # the region's plan, set into the rest of the active timetable
        base = await _active_plan(store)
        plan = await asyncio.to_thread(_merged, bundle, part, options, plan, base)
    progress = progress_json(control.last, limit, time.monotonic() - started)
    result = {"plan": plan_to_json(plan), "stamp": dataclasses.asdict(stamp)}
    return result, progress, control.stopped


def _solved(problem: Problem, limit: float, control: SolveControl, start: Start) -> Plan:
    """Solve and validate (blocking, CPU-bound: run in a thread)."""
    drafts, keep = start
    first = drafts if keep else None
    plan = solve(problem, time_limit_s=limit, control=control, keep=keep, start=first)
    check_before_storing(problem, plan)
    return plan


async def _active_plan(store: Store) -> Plan:
    async with store.read() as session:
        try:
            return (await load_plan(session))[1]
        except NotFoundError:
            return Plan(status="", sessions=())


def _merged(bundle: Bundle, part: Bundle, options: SolverOptions, plan: Plan, base: Plan) -> Plan:
    """The part's plan with the base plan's other sessions, validated on the whole data."""
    problem = build_problem(bundle, options)
    teachers = frozenset(t.id for t in part.network_teachers)
    classrooms = frozenset(c.id for c in part.classrooms)
    merged = merge_part(problem, plan, base, teachers=teachers, classrooms=classrooms)
    check_before_storing(problem, merged)
    return merged


def progress_json(last: Progress | None, limit: float, elapsed: float) -> dict[str, Any]:
    """The progress a page shows: the solver's last report, the clock's share of the limit."""
    reported = dataclasses.asdict(last) if last is not None else {"phase": "start"}
    return {
        **reported,
        "time_limit_s": limit,
        "elapsed_s": round(elapsed, 1),
        "seconds_left": round(max(0.0, limit - elapsed), 1),
    }
