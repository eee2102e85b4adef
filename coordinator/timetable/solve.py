"""``solve``: greedy construction, then CP-SAT (whole model, or neighbourhoods at scale)."""

from __future__ import annotations

import logging
import time

from coordinator.errors import CoordinatorError
from coordinator.timetable.bound import lp_bound, quick_bound
from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.explain import explain_unmet
from coordinator.timetable.greedy import greedy
from coordinator.timetable.lns import improve
from coordinator.timetable.plan import FEASIBLE, GREEDY, Draft, Plan, sessions_of
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import full_scope
from coordinator.timetable.stats import plan_stats
from coordinator.timetable.validate import validate_plan

logger = logging.getLogger(__name__)


class InvalidPlanError(CoordinatorError):
    """The solver produced a plan that breaks a hard rule (a bug: the plan is not stored)."""


def solve(problem: Problem, *, bound: bool = False, time_limit_s: float | None = None) -> Plan:
    """The best plan found within the time limit; deterministic for a fixed seed and 1 worker."""
    started = time.monotonic()
    limit = problem.options.time_limit_s if time_limit_s is None else time_limit_s
    drafts = greedy(problem)
    logger.info("greedy: %d sessions in %.2f s", len(drafts), time.monotonic() - started)
    size = problem.option_count()
    if size <= problem.options.monolithic_max_options:
        remaining = limit - (time.monotonic() - started)
        drafts, status = solve_scope(problem, full_scope(problem), drafts, remaining)
    else:
        drafts = improve(problem, drafts, started + limit)
        status = FEASIBLE
    return finish(problem, drafts, status, started=started, bound=bound)


def greedy_plan(problem: Problem, *, bound: bool = False) -> Plan:
    """The greedy construction alone, as a plan (the benchmark's baseline)."""
    started = time.monotonic()
    return finish(problem, greedy(problem), GREEDY, started=started, bound=bound)


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
    upper = lp_bound(problem) if bound else quick_bound(problem)
    plan = Plan(status=status, sessions=sessions, unmet=explain_unmet(problem, draft_plan))
    stats = plan_stats(problem, plan, bound=upper, wall_seconds=wall_seconds)
    logger.info(
        "plan %s: %d of %d periods delivered (bound %d), continuity %.3f",
        status,
        stats.delivered_periods,
        stats.demand_periods,
        upper,
        stats.continuity,
    )
    return Plan(status=status, sessions=sessions, unmet=plan.unmet, stats=stats)
