"""One CP-SAT solve of a scope's model: hinted, seeded, time-limited and logged."""

from __future__ import annotations

import logging
import math
import time

from ortools.sat.python import cp_model

from coordinator.timetable.model import build_model
from coordinator.timetable.plan import FEASIBLE, GREEDY, OPTIMAL, Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Scope

logger = logging.getLogger(__name__)

FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def solve_scope(
    problem: Problem, scope: Scope, hint: list[Draft], deadline: float, cap_s: float = math.inf
) -> tuple[list[Draft], str]:
    """Solve a scope's model until the deadline (monotonic clock), CP-SAT for at most cap_s.

    The fixed sessions come back unchanged with the free part; never worse than the hint.
    """
    built = build_model(problem, scope, hint)
    replay = problem.options.lns_steps is not None and cap_s < math.inf
    solver = new_solver(problem, cap_s if replay else min(cap_s, deadline - time.monotonic()))
    result = solver.solve(built.model)
    logger.info(
        "CP-SAT %s: objective %.0f, bound %.0f, %.2f s, %d variables",
        solver.status_name(result),
        solver.objective_value if result in FOUND else 0,
        solver.best_objective_bound if result in FOUND else 0,
        solver.wall_time,
        len(built.model.proto.variables),
    )
    if result not in FOUND or solver.objective_value < hint_objective(built.model) - 0.5:
        return hint, GREEDY
    found = list(scope.fixed) + built.variables.extract(solver)
    return found, OPTIMAL if result == cp_model.OPTIMAL else FEASIBLE


def hint_objective(model: cp_model.CpModel) -> float:
    """The objective of the (complete) hint, so that a solve never returns less than it."""
    proto = model.proto
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    objective = proto.objective
    total = sum(c * hinted.get(v, 0) for v, c in zip(objective.vars, objective.coeffs, strict=True))
    scale = objective.scaling_factor or 1.0
    return float(scale * (total + objective.offset))


def new_solver(problem: Problem, time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.05, time_limit_s)
    params.random_seed = problem.options.seed
    params.num_workers = problem.options.num_workers
    params.cp_model_probing_level = 0  # presolve light: the hint is complete, time is short
    params.symmetry_level = 0
    if problem.options.deterministic_time is not None:
        params.max_deterministic_time = problem.options.deterministic_time
    if logger.isEnabledFor(logging.DEBUG):
        params.log_search_progress = True
        solver.log_callback = lambda line: logger.debug("%s", line)
    return solver
