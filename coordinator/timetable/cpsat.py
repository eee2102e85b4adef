"""One CP-SAT solve of a scope's model, seeded, time-limited and logged."""

from __future__ import annotations

import logging

from ortools.sat.python import cp_model

from coordinator.timetable.model import build_model
from coordinator.timetable.plan import FEASIBLE, GREEDY, OPTIMAL, Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Scope

logger = logging.getLogger(__name__)


def solve_scope(
    problem: Problem, scope: Scope, hint: list[Draft], time_limit_s: float
) -> tuple[list[Draft], str]:
    """Solve the model of a scope; the fixed sessions come back unchanged with the free part."""
    built = build_model(problem, scope, hint)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.05, time_limit_s)
    params.random_seed = problem.options.seed
    params.num_workers = problem.options.num_workers
    if problem.options.deterministic_time is not None:
        params.max_deterministic_time = problem.options.deterministic_time
    if logger.isEnabledFor(logging.DEBUG):
        params.log_search_progress = True
        solver.log_callback = lambda line: logger.debug("%s", line)
    result = solver.solve(built.model)
    logger.info(
        "CP-SAT %s: objective %.0f, bound %.0f, %.2f s, %d variables",
        solver.status_name(result),
        solver.objective_value if result in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0,
        solver.best_objective_bound if result in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0,
        solver.wall_time,
        len(built.model.proto.variables),
    )
    if result == cp_model.OPTIMAL:
        return list(scope.fixed) + built.variables.extract(solver), OPTIMAL
    if result == cp_model.FEASIBLE:
        return list(scope.fixed) + built.variables.extract(solver), FEASIBLE
    return hint, GREEDY
