"""Deliver first, then polish: two whole-model CP-SAT phases after the search.

On tight ground the search (construction, ruin and recreate, neighbourhoods) levels off a few
periods below what CP-SAT finds on the whole model when that model is *lean*: the full
objective's soft terms (same-day repeats, balance, mixed grades, broadcasts opened) add
auxiliary variables and weaken its search. So, hinted with the searched plan:

1. **deliver**: the whole hard model, maximising delivered periods and continuity only (their
   weights in the full objective: a period outweighs every split need);
2. **polish**: the whole model with the full objective, delivered periods held at least at what
   phase 1 reached, so the other soft rules are repaired without giving a period back.

Each phase keeps its hint unless CP-SAT returns a plan at least as good by that phase's own
objective; the result is never worse than the searched plan by ``plan_score``.
"""

from __future__ import annotations

import logging
import time

from ortools.sat.python import cp_model

from coordinator.timetable import rules
from coordinator.timetable.cpsat import FOUND, hint_objective, new_solver
from coordinator.timetable.model import build_model
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Scope
from coordinator.timetable.score import plan_score, served_by
from coordinator.timetable.variables import LessonVars

logger = logging.getLogger(__name__)

DELIVER_SHARE = 0.7  # of the time the two phases get, for the first (deliver)


def applies(problem: Problem, scope: Scope, limit: float) -> bool:
    """Whether the phases should end this solve: a whole model small enough to solve at once,
    a limit long enough (in 10 s the search alone does better), no replay, no kept plan."""
    return (
        limit >= problem.options.deliver_first_min_s
        and not scope.keep
        and problem.options.lns_steps is None
        and problem.option_count() <= problem.options.deliver_first_max_options
    )


def deliver_then_polish(
    problem: Problem, scope: Scope, drafts: list[Draft], deadline: float
) -> list[Draft]:
    """Both phases until the deadline (monotonic clock); never worse than ``drafts``."""
    left = deadline - time.monotonic()
    if left <= 0.2:
        return drafts
    delivered = deliver(problem, scope, drafts, time.monotonic() + DELIVER_SHARE * left)
    polished = polish(problem, scope, delivered, deadline)
    if plan_score(problem, polished) < plan_score(problem, drafts):
        return drafts
    return polished


def deliver(problem: Problem, scope: Scope, drafts: list[Draft], deadline: float) -> list[Draft]:
    """The lean whole model: delivered periods and continuity, hinted with ``drafts``."""
    built = build_model(problem, scope, drafts, hard_only=True)
    weights = problem.options.weights
    uses = rules.teachers_per_classroom_subject(built.model, built.variables)
    built.model.maximize(weights.delivered * built.delivered - weights.continuity * uses)
    return _run(problem, scope, built.model, built.variables, drafts, deadline, "deliver")


def polish(problem: Problem, scope: Scope, drafts: list[Draft], deadline: float) -> list[Draft]:
    """The full objective with the delivered periods of ``drafts`` as a floor."""
    built = build_model(problem, scope, drafts)
    built.model.add(built.delivered >= delivered_periods(problem, drafts))
    return _run(problem, scope, built.model, built.variables, drafts, deadline, "polish")


def delivered_periods(problem: Problem, drafts: list[Draft]) -> int:
    served = served_by(problem, drafts)
    return sum(min(count, problem.needs[n].periods) for n, count in served.delivered.items())


def _run(
    problem: Problem,
    scope: Scope,
    model: cp_model.CpModel,
    variables: LessonVars,
    hint: list[Draft],
    deadline: float,
    phase: str,
) -> list[Draft]:
    left = deadline - time.monotonic()
    if left <= 0.05:
        return hint
    solver = new_solver(problem, left)
    result = solver.solve(model)
    if result not in FOUND or solver.objective_value < hint_objective(model) - 0.5:
        logger.info("%s: kept the hint (%s)", phase, solver.status_name(result))
        return hint
    found = list(scope.fixed) + variables.extract(solver)
    logger.info(
        "%s: objective %.0f (hint %.0f), %d periods, %.2f s",
        phase,
        solver.objective_value,
        hint_objective(model),
        delivered_periods(problem, found),
        solver.wall_time,
    )
    return found
