"""``solve``: greedy construction, then CP-SAT (whole model, or neighbourhoods at scale)."""

from __future__ import annotations

import dataclasses
import logging
import math
import time

from coordinator.errors import CoordinatorError
from coordinator.timetable.bound import lp_bound, quick_bound
from coordinator.timetable.broadcasts import construct
from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.explain import explain_unmet
from coordinator.timetable.lns import improve
from coordinator.timetable.plan import FEASIBLE, GREEDY, Draft, Plan, sessions_of
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import full_scope
from coordinator.timetable.stats import plan_stats
from coordinator.timetable.validate import validate_plan

logger = logging.getLogger(__name__)

FINISH_SHARE = 0.05  # of the time limit, kept for validating and explaining the plan
CONSTRUCTION_SHARE = 0.5  # of the time limit, at most, for the construction


class InvalidPlanError(CoordinatorError):
    """The solver produced a plan that breaks a hard rule (a bug: the plan is not stored)."""


def solve(problem: Problem, *, bound: bool = False, time_limit_s: float | None = None) -> Plan:
    """The best plan found within the time limit; deterministic for a fixed seed and 1 worker."""
    started = time.monotonic()
    limit = problem.options.time_limit_s if time_limit_s is None else time_limit_s
    deadline = started + limit - max(0.2, FINISH_SHARE * limit)  # leave time to finish
    drafts = construct(problem, started + CONSTRUCTION_SHARE * limit)
    logger.info("construction: %d sessions in %.2f s", len(drafts), time.monotonic() - started)
    if _whole_model_fits(problem):
        drafts, status = solve_scope(problem, full_scope(problem), drafts, deadline)
    else:
        drafts = improve(problem, drafts, deadline)
        status = FEASIBLE
    return finish(problem, drafts, status, started=started, bound=bound)


def _whole_model_fits(problem: Problem) -> bool:
    """Whether the whole model has few enough lesson options (a cheap estimate)."""
    return problem.option_count() <= problem.options.monolithic_max_options


def greedy_plan(problem: Problem, *, bound: bool = False) -> Plan:
    """The construction alone (no ruin and recreate), as a plan (the benchmark's baseline)."""
    started = time.monotonic()
    drafts = construct(problem, math.inf, improve=False)
    return finish(problem, drafts, GREEDY, started=started, bound=bound)


def finish(
    problem: Problem, drafts: list[Draft], status: str, *, started: float, bound: bool
) -> Plan:
    """Drafts turned into a validated plan with explanations and summary figures."""
    sessions = sessions_of(problem, drafts)
    draft_plan = Plan(status=status, sessions=sessions)
    violations = validate_plan(problem, draft_plan)
    if violations:
        raise InvalidPlanError("; ".join(f"{v.rule}: {v.message}" for v in violations[:5]))
    wall_seconds = time.monotonic() - started  # the bound is not part of the solve
    plan = Plan(status=status, sessions=sessions, unmet=explain_unmet(problem, draft_plan))
    stats = plan_stats(problem, plan, bound=quick_bound(problem), wall_seconds=wall_seconds)
    if bound and stats.delivered_periods < stats.upper_bound_periods:
        # Delivering the counting bound already proves it tight: only otherwise solve the LP.
        stats = dataclasses.replace(stats, upper_bound_periods=lp_bound(problem))
    logger.info(
        "plan %s: %d of %d periods delivered (bound %d), continuity %.3f",
        status,
        stats.delivered_periods,
        stats.demand_periods,
        stats.upper_bound_periods,
        stats.continuity,
    )
    return Plan(status=status, sessions=sessions, unmet=plan.unmet, stats=stats)
