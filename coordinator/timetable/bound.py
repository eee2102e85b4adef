"""Upper bounds on deliverable periods: a quick counting bound, and the LP-relaxation bound.

The LP bound relaxes the hard-rules model (every hard rule, objective: delivered periods) and
solves it with GLOP through ``pywraplp`` in this process; HiGHS (``highspy``) is never imported,
since it clashes with the HiGHS symbols inside ortools.
"""

from __future__ import annotations

import logging
import math
import operator
from collections import defaultdict
from functools import reduce
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from coordinator.timetable.model import build_model
from coordinator.timetable.problem import Interval, Problem, slots_of
from coordinator.timetable.scope import full_scope

logger = logging.getLogger(__name__)

INFINITE = 1e15  # proto domains use int64 limits for 'unbounded'


def quick_bound(problem: Problem) -> int:
    """A valid bound from counting: each need and each assistant take one lesson at a time."""
    per_need = []
    per_assistant: dict[str, list[Interval]] = defaultdict(list)
    assistant_demand: dict[str, int] = defaultdict(int)
    free_any: dict[int, int] = {}  # id of a qualified tuple -> slots any of them is free for
    shared: dict[tuple[int, int], set[Interval]] = {}  # (qualified, fits) ids -> times
    free, fit = problem.free_masks(), problem.fit_masks()
    for index, need in enumerate(problem.needs):
        qualified, fits = problem.qualified[index], problem.fits[need.classroom]
        if id(qualified) not in free_any:
            free_any[id(qualified)] = reduce(operator.or_, (free[t] for t in qualified), 0)
        key = (id(qualified), id(fits))
        if key not in shared:
            usable = fit[need.classroom] & free_any[id(qualified)]
            shared[key] = {problem.slots[s] for s in slots_of(usable)}
        times = set(shared[key])
        times |= {
            problem.slots[p.slot]
            for i, p in enumerate(problem.pinned)
            if p.subject_id == need.subject_id and need.classroom in problem.joins[i]
        }
        deliverable = min(need.periods, _disjoint(list(times)))
        per_need.append(deliverable)
        assistant = problem.classrooms[need.classroom].assistant_id
        per_assistant[assistant].extend(times)
        assistant_demand[assistant] += deliverable
    return sum(min(demand, _disjoint(per_assistant[a])) for a, demand in assistant_demand.items())


def _disjoint(intervals: list[Interval]) -> int:
    """Most pairwise disjoint intervals (earliest end first)."""
    count, last_end = 0, -math.inf
    for start, end in sorted(set(intervals), key=lambda i: i[1]):
        if start >= last_end:
            count, last_end = count + 1, end
    return count


def lp_bound(problem: Problem, time_limit_s: float = 60.0) -> int:
    """The LP-relaxation bound of the hard rules (falls back to ``quick_bound`` on a timeout)."""
    quick = quick_bound(problem)
    proto = build_model(problem, full_scope(problem), hard_only=True).model.proto
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetTimeLimit(int(time_limit_s * 1000))
    variables = [solver.NumVar(*_span(v.domain), "") for v in proto.variables]
    for constraint in proto.constraints:
        _add_relaxed(solver, variables, constraint)
    objective = solver.Objective()
    sign = -1.0 if proto.objective.scaling_factor < 0 else 1.0  # a maximisation is stored negated
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[var], sign * coeff)
    objective.SetMaximization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        logger.warning("LP bound not proven (status %s); using the counting bound", status)
        return quick
    value = float(objective.Value())
    logger.info("LP bound %.2f (counting bound %d)", value, quick)
    return min(quick, math.floor(value + 1e-6))


def cpsat_bound(problem: Problem, time_limit_s: float = 60.0) -> int:
    """CP-SAT's proven bound on the hard model (objective: delivered periods) after a run.

    A separate yardstick beside ``lp_bound``, never a replacement: CP-SAT proves it with its own
    relaxation and cuts; when the run ends without a proof it is the best bound found then.
    """
    built = build_model(problem, full_scope(problem), hard_only=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = problem.options.num_workers
    solver.parameters.random_seed = problem.options.seed
    solver.parameters.linearization_level = 2  # more of the LP and its cuts in the search
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return quick_bound(problem)
    value = math.floor(solver.best_objective_bound + 1e-6)
    logger.info("CP-SAT bound %d (%s)", value, solver.status_name(status))
    return min(quick_bound(problem), value)


def _add_relaxed(
    solver: pywraplp.Solver, variables: list[pywraplp.Variable], constraint: Any
) -> None:
    """One CP-SAT constraint of the hard model as linear rows."""
    if constraint.has_linear() and not constraint.enforcement_literal:
        lin = constraint.linear
        row = solver.RowConstraint(*_span(lin.domain), "")
        for var, coeff in zip(lin.vars, lin.coeffs, strict=True):
            row.SetCoefficient(variables[var], float(coeff))
    elif constraint.has_at_most_one():
        row = solver.RowConstraint(-solver.infinity(), 1.0, "")
        for literal in constraint.at_most_one.literals:
            row.SetCoefficient(variables[_positive(literal)], 1.0)
    elif len(constraint.enforcement_literal) == 1 and (
        constraint.has_bool_and() or constraint.has_bool_or()
    ):
        implied = constraint.bool_and if constraint.has_bool_and() else constraint.bool_or
        enforcing = variables[_positive(constraint.enforcement_literal[0])]
        for literal in implied.literals:  # x => y  as  x <= y
            row = solver.RowConstraint(-solver.infinity(), 0.0, "")
            row.SetCoefficient(enforcing, 1.0)
            row.SetCoefficient(variables[_positive(literal)], -1.0)
    else:
        raise ValueError(f"LP relaxation cannot take constraint {constraint}")


def _positive(literal: int) -> int:
    if literal < 0:
        raise ValueError("LP relaxation expects positive literals")
    return literal


def _span(domain: Any) -> tuple[float, float]:
    """Lowest and highest value of a proto domain (the wrapper has no negative indexing)."""
    values = list(domain)
    low, high = float(values[0]), float(values[-1])
    return (low if low > -INFINITE else -math.inf), (high if high < INFINITE else math.inf)
