"""A finished solve job as a proposal: the rebalance diff against the current timetable.

The job keeps its plan and the stamp of what it was solved from; the proposal is that plan
set against the active timetable (weekly changes, dated lessons from today, unmet needs), in
the very shape of a rebalance preview, so the console shows it with the same view and
publishing goes through the same apply: a stale proposal (a timetable published or data
imported since the job started) is refused, and the publish is audited.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

from coordinator.domain import Bundle
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.accounts.secret import secret_key
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.subscriptions import ensure_feed_tokens
from coordinator.services.jobs import records
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.lessons.replan import replan_enrolments
from coordinator.services.planning.plans import lesson_keys, load_plan
from coordinator.services.planning.session_keys import inherit_keys
from coordinator.services.planning.solve import solver_options
from coordinator.services.rebalancing.dates import DatedChange, dated_changes, proposed_layer
from coordinator.services.rebalancing.proposals import (
    AppliedRebalance,
    RebalancePreview,
    Stamp,
    apply_rebalance,
)
from coordinator.settings import Settings, SolverSettings
from coordinator.store import Store
from coordinator.timetable.bound import quick_bound
from coordinator.timetable.build import build_problem
from coordinator.timetable.changes import WeekSolved
from coordinator.timetable.diff import diff_plans
from coordinator.timetable.explain import explain_unmet
from coordinator.timetable.plan import Plan
from coordinator.timetable.plan_json import plan_from_json
from coordinator.timetable.rebalance import RebalanceResult
from coordinator.timetable.stats import plan_stats

AUDIT_ACTION = "timetable.solve"
PUBLISHABLE = (records.DONE, records.STOPPED)


class NoProposalError(CoordinatorError):
    """The job has no plan to propose (still running, failed, or not this user's)."""


async def solve_proposal(
    store: Store, settings: SolverSettings, job_id: int, *, today: dt.date
) -> RebalancePreview:
    """The job's plan against the active timetable, with the dated lessons it would change.

    The active plan's figures are computed again from the data as it is now, so both plans
    are measured the same way.
    """
    job = await records.get_job(store, job_id)
    if job.state not in PUBLISHABLE or "plan" not in job.result:
        raise NoProposalError(f"job {job_id} has no plan to propose (it is {job.state})")
    plan = plan_from_json(job.result["plan"])
    stamp = _stamp(job.result["stamp"])
    async with store.read() as session:
        try:
            base_id, base = await load_plan(session)
            base_keys = await lesson_keys(session, base_id)
        except NotFoundError:  # the first timetable
            base_id, base, base_keys = 0, Plan(status="", sessions=()), {}
    keys = inherit_keys(base if base_id else None, base_keys, plan)
    bundle = await load_bundle(store)
    if base_id:
        base = await asyncio.to_thread(_measured, bundle, settings, base)
    dated: tuple[DatedChange, ...] = ()  # the first timetable: no dated lesson yet
    if base_id:
        async with store.read() as session:
            layer = proposed_layer(plan, keys, None)
            dated = await dated_changes(session, bundle, layer, today=today)
    diff = diff_plans(base, plan)
    result = RebalanceResult(
        plan=plan,
        diff=diff,
        affected_teacher_ids=frozenset(),
        affected_classroom_ids=frozenset(),
        unaffected_changed=0,
        wall_seconds=plan.stats.wall_seconds,
    )
    return RebalancePreview(base_id, WeekSolved(job_id), None, result, keys, stamp, base, (), dated)


def _measured(bundle: Bundle, settings: SolverSettings, plan: Plan) -> Plan:
    """The plan with its unmet needs and figures on this data (blocking: run in a thread)."""
    problem = build_problem(bundle, solver_options(settings))
    unmet = explain_unmet(problem, plan)
    measured = dataclasses.replace(plan, unmet=unmet)
    stats = plan_stats(problem, measured, bound=quick_bound(problem), wall_seconds=0.0)
    return dataclasses.replace(measured, stats=stats)


def _stamp(data: dict[str, Any]) -> Stamp:
    return Stamp(int(data["active_id"]), tuple(data["temporary_ids"]), int(data["import_run"]))


async def publish_solve(
    store: Store,
    settings: Settings,
    proposal: RebalancePreview,
    *,
    now: dt.datetime,
    today: dt.date,
    actor: str,
) -> AppliedRebalance:
    """Store the proposal as the new timetable (refused when stale), date it, feeds for all.

    Then the self-enrolments are kept or dropped as `[solver] self_enrolments` says (those the
    new timetable breaks end today), and the lessons dated again if any ended."""
    applied = await apply_rebalance(
        store, proposal, now=now, today=today, actor=actor, kind="solve", action=AUDIT_ACTION
    )
    keep = settings.solver.self_enrolments == "keep"
    bundle = await load_bundle(store)
    options = solver_options(settings.solver)
    if await replan_enrolments(store, bundle, options, keep=keep, now=now, today=today):
        await publish_lessons(store, now=now, today=today)
    await ensure_feed_tokens(
        store, secret=secret_key(settings), language=settings.language, now=now
    )
    return applied
