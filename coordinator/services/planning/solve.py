"""Solving: the imported data in, a validated weekly plan stored as a new timetable version."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain
from coordinator.errors import CoordinatorError
from coordinator.observability.metrics import solver_finished
from coordinator.services.accounts.secret import secret_key
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.subscriptions import ensure_feed_tokens
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.lessons.enrolled import stored_enrolments
from coordinator.services.lessons.replan import replan_enrolments
from coordinator.services.lessons.stored import PublishSummary
from coordinator.services.planning.plans import active_version, lesson_keys, load_plan, save_plan
from coordinator.services.planning.session_keys import inherit_keys
from coordinator.settings import Settings, SolverSettings
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.options import SolverOptions, Weights
from coordinator.timetable.plan import Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.reserve import reserve_enrolled
from coordinator.timetable.solve import solve
from coordinator.timetable.validate import validate_plan

log = logging.getLogger(__name__)


class PlanRejectedError(CoordinatorError):
    """A plan broke a hard rule and was not stored."""


# Of the limit, the solve's least share however long reading took. At a province's 10 s the
# construction needs about 1.7 s and finishing as much again: with 2.5 s the plan held 55% of
# the demand, with 3.4 s 90% (2026-12-07, docs/benchmarks.md).
MIN_SOLVE_SHARE = 0.35
# What follows a CLI solve inside its limit: storing the plan, dating the term's lessons and
# feed tokens took 3.5 s (SQLite) to 5 s (PostgreSQL) for a province's 16,141 needs
# (2026-12-07, quiet machine, docs/benchmarks.md).
PUBLISH_S_PER_NEED = 0.0003


def solve_budget(limit: float, spent: float, needs: int, *, publishing: bool = False) -> float:
    """Seconds the solver gets: the limit less what reading took and, when the plan is then
    published in the same command, the time publishing will take; at least 35% of it."""
    after = PUBLISH_S_PER_NEED * needs if publishing else 0.0
    return max(MIN_SOLVE_SHARE * limit, limit - spent - after)


@dataclass(frozen=True, slots=True)
class StoredPlan:
    version_id: int
    plan: Plan


def solver_options(settings: SolverSettings, *, time_limit_s: float | None = None) -> SolverOptions:
    return SolverOptions(
        max_classrooms_per_session=settings.max_classrooms_per_session,
        weak_network_max=settings.max_classrooms_per_weak_session,
        audio_only_max=settings.max_classrooms_per_audio_only_session,
        overrun_minutes=settings.overrun_minutes,
        teacher_buffer_minutes=settings.teacher_buffer_minutes,
        time_limit_s=time_limit_s or settings.time_limit_s,
        seed=settings.seed,
        num_workers=settings.num_workers,
        weights=Weights(**settings.weights.model_dump()),
        change_penalty=settings.change_penalty,
        rebalance_time_limit_s=settings.rebalance_time_limit_s,
    )


def check_before_storing(problem: Problem, plan: Plan) -> None:
    """The independent validator has the last word before anything is written."""
    violations = validate_plan(problem, plan)
    if violations:
        details = "; ".join(f"{v.rule}: {v.message}" for v in violations[:5])
        raise PlanRejectedError(f"the plan breaks {len(violations)} hard rule(s): {details}")


async def solve_and_store(
    store: Store,
    settings: SolverSettings,
    *,
    now: dt.datetime,
    time_limit_s: float | None = None,
    bound: bool = False,
    today: dt.date | None = None,
    bundle: domain.Bundle | None = None,
    started: float | None = None,
    phases: dict[str, float] | None = None,
    publishing: bool = False,
) -> StoredPlan:
    """Solve the current data off the event loop, validate, store as the active version.

    With `self_enrolments = "keep"` the solver plans around the self-enrolments current on
    `today` (default: `now`'s date): their periods are busy (`timetable.reserve`).

    The time limit counts from here: reading the data and building the problem take their
    share, so the plan is ready within the limit at every scale (storing it comes after).
    `bundle` is the current data if the caller read it already (from `started`, a
    `time.monotonic()`); `phases` collects the seconds each phase took. `publishing`: the
    caller dates the plan next (`solve_and_publish`), so the solver leaves time for it.
    """
    started = time.monotonic() if started is None else started
    phases = {} if phases is None else phases
    bundle = bundle or await load_bundle(store)
    if not bundle.classrooms:
        raise CoordinatorError("nothing to solve: import a bundle first (`coordinator import`)")
    options = solver_options(settings, time_limit_s=time_limit_s)
    kept = await kept_enrolments(store, settings, today or now.date())
    problem = reserve_enrolled(await asyncio.to_thread(build_problem, bundle, options), kept)
    spent = time.monotonic() - started
    left = solve_budget(options.time_limit_s, spent, len(problem.needs), publishing=publishing)
    phases["read"] = spent
    log.info("data read and problem built in %.1f s; %.1f s left to solve", spent, left)
    solving = time.perf_counter()
    plan = await asyncio.to_thread(solve, problem, bound=bound, time_limit_s=left)
    solver_finished(str(plan.status), time.perf_counter() - solving)
    check_before_storing(problem, plan)
    phases["solve"] = time.perf_counter() - solving
    storing = time.perf_counter()
    async with store.write() as session:
        keys = await _inherited_keys(session, plan)
        version_id = await save_plan(
            session,
            plan,
            kind="solve",
            now=now,
            seed=options.seed,
            time_limit_s=options.time_limit_s,
            keys=keys,
        )
    phases["store plan"] = time.perf_counter() - storing
    log.info("stored timetable version %d (%s)", version_id, plan.status)
    return StoredPlan(version_id, plan)


async def kept_enrolments(
    store: Store, settings: SolverSettings, today: dt.date
) -> list[tuple[str, str]]:
    """(course, classroom) of the self-enrolments a re-plan keeps (none when it drops them)."""
    if settings.self_enrolments != "keep":
        return []
    async with store.read() as session:
        current = await stored_enrolments(session)
    return [
        (e.pinned_id, e.classroom_id) for e in current if e.covers(today) or e.joined_from > today
    ]


async def _inherited_keys(session: AsyncSession, plan: Plan) -> dict[str, str]:
    """Keys for the new plan's sessions, inherited from the active version if there is one."""
    active = await active_version(session)
    if active is None or active.id is None:
        return inherit_keys(None, {}, plan)
    _, previous = await load_plan(session, active.id, unmet=False)  # keys follow sessions
    return inherit_keys(previous, await lesson_keys(session, active.id), plan)


@dataclass(frozen=True, slots=True)
class PublishedPlan:
    version_id: int
    plan: Plan
    lessons: PublishSummary
    phases: dict[str, float]  # seconds per phase: read, solve, store plan, enrolments, ...


async def solve_and_publish(
    store: Store,
    settings: Settings,
    *,
    now: dt.datetime,
    today: dt.date,
    time_limit_s: float | None = None,
    bound: bool = False,
    started: float | None = None,
) -> PublishedPlan:
    """Solve, store, then date the new plan and make sure everyone has a feed.

    The data is read once for every phase; storing, dating and feed tokens are bulk writes,
    and the solver leaves time for them, so the whole command keeps its limit at every scale
    (docs/solver.md, Scale). The limit counts from `started` (a `time.monotonic()`).
    """
    started = time.monotonic() if started is None else started
    phases: dict[str, float] = {}
    bundle = await load_bundle(store)
    stored = await solve_and_store(
        store,
        settings.solver,
        now=now,
        time_limit_s=time_limit_s,
        bound=bound,
        today=today,
        bundle=bundle,
        started=started,
        phases=phases,
        publishing=True,
    )
    mark = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal mark
        phases[phase], mark = time.perf_counter() - mark, time.perf_counter()

    await replan_enrolments(
        store,
        bundle,
        solver_options(settings.solver),
        keep=settings.solver.self_enrolments == "keep",
        now=now,
        today=today,
    )
    lap("enrolments")
    lessons = await publish_lessons(store, now=now, today=today, bundle=bundle)
    lap("publish lessons")
    await ensure_feed_tokens(
        store, secret=secret_key(settings), language=settings.language, now=now, bundle=bundle
    )
    lap("feed tokens")
    log.info("solve phases (s): %s", ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
    return PublishedPlan(stored.version_id, stored.plan, lessons, phases)
