"""Upper bounds on deliverable periods: a quick counting bound, and the LP-relaxation bound.

The LP bound relaxes the hard-rules model (every hard rule, objective: delivered periods) and
solves it with GLOP through ``pywraplp`` in this process; HiGHS (``highspy``) is never imported,
since it clashes with the HiGHS symbols inside ortools. The problem splits into independent
components (needs, teachers, assistants and pinned sessions linked when one can serve or attend
the other); the LP of the whole is the sum of theirs, so each is built and solved on its own.
"""

from __future__ import annotations

import logging
import math
import operator
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from coordinator.timetable.model import build_model
from coordinator.timetable.problem import Interval, Problem, slots_of
from coordinator.timetable.scope import Scope, full_scope

logger = logging.getLogger(__name__)

INFINITE = 1e15  # proto domains use int64 limits for 'unbounded'
PDLP_ABOVE = 60_000  # variables: larger relaxations are solved by PDLP, bounded by its duals
LP_MAX_OPTIONS = 2_000_000  # estimated options of a component: above, its model would not fit


def quick_bound(problem: Problem) -> int:
    """A valid bound from counting: each need and each assistant take one lesson at a time."""
    return sum(_counting_by_assistant(problem).values())


def _counting_by_assistant(problem: Problem) -> dict[str, int]:
    """The counting bound of each assistant's needs (their sum is ``quick_bound``)."""
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
    return {a: min(demand, _disjoint(per_assistant[a])) for a, demand in assistant_demand.items()}


def _disjoint(intervals: list[Interval]) -> int:
    """Most pairwise disjoint intervals (earliest end first)."""
    count, last_end = 0, -math.inf
    for start, end in sorted(set(intervals), key=lambda i: i[1]):
        if start >= last_end:
            count, last_end = count + 1, end
    return count


@dataclass(frozen=True, slots=True)
class Component:
    """Needs, teachers and assistants that share no rule with the rest of the problem."""

    needs: frozenset[int]
    teachers: frozenset[int]
    assistants: frozenset[str]


@dataclass(frozen=True, slots=True)
class ComponentBound:
    component: Component
    counting: int
    lp: float | None  # the LP optimum; None when GLOP did not prove it in its time
    bound: int  # min(counting, floor(lp)), or the counting bound alone


def components(problem: Problem) -> list[Component]:
    """The independent parts of the hard model, smallest first (union-find).

    A need is linked to every teacher who has an option for it and to its classroom's assistant;
    a pinned session to its teacher and to the assistants of the classrooms that may join it.
    Components without needs deliver nothing and are left out.
    """
    parent: dict[Any, Any] = {}

    def find(item: Any) -> Any:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(first: Any, second: Any) -> None:
        parent[find(first)] = find(second)

    fit, free = problem.fit_masks(), problem.free_masks()
    for index, need in enumerate(problem.needs):
        union(("n", index), ("a", problem.classrooms[need.classroom].assistant_id))
        fits = fit[need.classroom]
        for teacher in problem.qualified[index]:
            if fits & free[teacher]:
                union(("n", index), ("t", teacher))
    for index, pinned in enumerate(problem.pinned):
        union(("p", index), ("t", pinned.teacher))
        for room in problem.joins[index]:
            union(("p", index), ("a", problem.classrooms[room].assistant_id))
    members: dict[Any, list[Any]] = defaultdict(list)
    for item in list(parent):
        members[find(item)].append(item)
    found = [
        Component(
            needs=frozenset(i for kind, i in items if kind == "n"),
            teachers=frozenset(i for kind, i in items if kind == "t"),
            assistants=frozenset(i for kind, i in items if kind == "a"),
        )
        for items in members.values()
    ]
    found = [c for c in found if c.needs]
    return sorted(found, key=lambda c: (len(c.needs), min(c.needs)))


def lp_bound(problem: Problem, time_limit_s: float = 60.0) -> int:
    """The LP-relaxation bound of the hard rules, summed over independent components.

    One time limit for the whole; a component whose LP is not proven in its share counts with
    its counting bound instead. Each component's bound is floored on its own (its plan delivers
    whole periods), which is at most the floor of the whole LP and still valid.
    """
    return sum(b.bound for b in lp_bounds_by_component(problem, time_limit_s))


def lp_bounds_by_component(problem: Problem, time_limit_s: float = 60.0) -> list[ComponentBound]:
    """Each component's counting bound and LP optimum, solved one at a time (memory stays low).

    Components go smallest first; each gets the time left in proportion to its share of the
    needs still to solve, so time the small ones do not use passes on to the large ones. A
    component of more than ``LP_MAX_OPTIONS`` estimated lesson options (a province is one
    component of 36 million: teachers may serve every region) is counted, never built: its
    model would take tens of GB (a district's 336,000 take 620 MB).
    """
    deadline = time.monotonic() + time_limit_s
    counting = _counting_by_assistant(problem)
    parts = components(problem)
    left_needs = sum(len(c.needs) for c in parts)
    results = []
    for component in parts:
        quick = sum(counting.get(a, 0) for a in component.assistants)
        remaining = deadline - time.monotonic()
        share = remaining * len(component.needs) / max(left_needs, 1)
        left_needs -= len(component.needs)
        value = None
        options = sum(
            len(problem.qualified[n]) * len(problem.fits[problem.needs[n].classroom])
            for n in component.needs
        )
        if options > LP_MAX_OPTIONS:
            logger.warning("LP bound: a component of %d options counted, not relaxed", options)
        elif remaining > 0 and quick > 0:
            scope = Scope(component.teachers, component.needs)
            value = _lp_value(problem, scope, max(share, 0.01))
        bound = quick if value is None else min(quick, math.floor(value + 1e-6))
        results.append(ComponentBound(component, quick, value, bound))
    solved = sum(1 for r in results if r.lp is not None)
    logger.info(
        "LP bound %d over %d components (%d by LP, the rest counted; counting bound %d)",
        sum(r.bound for r in results),
        len(results),
        solved,
        sum(counting.values()),
    )
    return results


def whole_lp_value(problem: Problem, time_limit_s: float = 60.0) -> float | None:
    """The LP optimum of the whole problem in one model (None if not proven in time)."""
    return _lp_value(problem, full_scope(problem), time_limit_s)


def _lp_value(
    problem: Problem, scope: Scope, time_limit_s: float, method: str | None = None
) -> float | None:
    """A proven upper bound on a scope's LP relaxation (its optimum, or PDLP's dual bound).

    GLOP proves the optimum of small relaxations; above ``PDLP_ABOVE`` variables the simplex is
    too slow (a tight district: no answer in 240 s), so PDLP runs and only the bound its duals
    prove is kept (see ``_dual_bound``). None when neither proves anything in time. The time
    limit covers building the model too.
    """
    started = time.monotonic()
    proto = build_model(problem, scope, hard_only=True).model.proto
    method = method or ("PDLP" if len(proto.variables) > PDLP_ABOVE else "GLOP")
    solver = pywraplp.Solver.CreateSolver(method)
    variables = [solver.NumVar(*_span(v.domain), "") for v in proto.variables]
    rows = [row for constraint in proto.constraints for row in _relaxed(constraint)]
    constraints = []
    for low, high, terms in rows:
        constraint = solver.RowConstraint(low, high, "")
        for var, coeff in terms:
            constraint.SetCoefficient(variables[var], coeff)
        constraints.append(constraint)
    gains = [0.0] * len(variables)
    objective = solver.Objective()
    sign = -1.0 if proto.objective.scaling_factor < 0 else 1.0  # a maximisation is stored negated
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        gains[var] += sign * coeff
        objective.SetCoefficient(variables[var], sign * coeff)
    objective.SetMaximization()
    left_ms = int((time_limit_s - (time.monotonic() - started)) * 1000)
    if left_ms <= 0:
        logger.warning("LP relaxation not built within %.1f s", time_limit_s)
        return None
    solver.SetTimeLimit(left_ms)
    status = solver.Solve()
    if method == "GLOP":
        if status != pywraplp.Solver.OPTIMAL:
            logger.warning("LP relaxation not proven by GLOP (status %s)", status)
            return None
        return float(objective.Value())
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        logger.warning("PDLP gave no duals (status %s)", status)
        return None
    spans = [_span(v.domain) for v in proto.variables]
    duals = [c.dual_value() for c in constraints]
    bound = _dual_bound(spans, rows, gains, duals)
    logger.info("PDLP: primal %.3f, proven dual bound %.3f", objective.Value(), bound)
    return bound


Row = tuple[float, float, list[tuple[int, float]]]  # low <= sum(coeff * x[var]) <= high


def _dual_bound(
    spans: list[tuple[float, float]], rows: list[Row], gains: list[float], duals: list[float]
) -> float:
    """Weak duality: max gains·x over the rows and the variables' spans is at most this.

    For any multipliers y, gains·x = y·Ax + (gains - yA)·x; each term is bounded by its row's or
    variable's span, so any y (not only an optimal one) proves a bound. Multipliers that would
    need an infinite side are clipped to zero; a margin covers the floating-point sums.
    """
    reduced = list(gains)
    terms: list[float] = []
    for (low, high, row), dual in zip(rows, duals, strict=True):
        y = min(dual, 0.0) if high == math.inf else dual
        y = max(y, 0.0) if low == -math.inf else y
        if y == 0.0:
            continue
        terms.append(y * (high if y > 0 else low))
        for var, coeff in row:
            reduced[var] -= y * coeff
    for (low, high), d in zip(spans, reduced, strict=True):
        if d > 0:
            terms.append(d * high)  # an unbounded side makes the bound infinite: no proof
        elif d < 0:
            terms.append(d * low)
    bound = math.fsum(terms)
    margin = 1e-9 * math.fsum(abs(t) for t in terms) + 1e-9 * len(terms)
    return bound + margin


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


def _relaxed(constraint: Any) -> list[Row]:
    """One CP-SAT constraint of the hard model as linear rows."""
    if constraint.has_linear() and not constraint.enforcement_literal:
        lin = constraint.linear
        terms = [(var, float(c)) for var, c in zip(lin.vars, lin.coeffs, strict=True)]
        return [(*_span(lin.domain), terms)]
    if constraint.has_at_most_one():
        literals = constraint.at_most_one.literals
        return [(-math.inf, 1.0, [(_positive(literal), 1.0) for literal in literals])]
    if len(constraint.enforcement_literal) == 1 and constraint.has_bool_and():
        enforcing = _positive(constraint.enforcement_literal[0])
        implied = constraint.bool_and.literals  # x => y  as  x - y <= 0, for each y
        return [(-math.inf, 0.0, [(enforcing, 1.0), (_positive(y), -1.0)]) for y in implied]
    if len(constraint.enforcement_literal) == 1 and constraint.has_bool_or():
        enforcing = _positive(constraint.enforcement_literal[0])
        implied = constraint.bool_or.literals  # x => any y  as  x - sum(y) <= 0
        return [(-math.inf, 0.0, [(enforcing, 1.0)] + [(_positive(y), -1.0) for y in implied])]
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
