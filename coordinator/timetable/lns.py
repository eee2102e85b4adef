"""Decomposition for large instances: neighbourhoods of teachers re-solved by CP-SAT (LNS).

Around a greedy construction, each step frees a few teachers (grown from an unmet need, a
classroom x subject served by several teachers, or a random teacher, through the teachers who
share classrooms with them), frees every need they serve plus unmet needs they could take, keeps
all other sessions fixed and re-solves that part. A step is kept when it does not lower the
plan's score, so the plan only improves and is valid after every step. The last moments
(``POLISH_SHARE`` of the time, at most ``POLISH_MAX_S``) reunite classroom x subjects split
between teachers (``reunite.polish_continuity``).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import random
import time

from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.plan import GREEDY, Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.reunite import polish_continuity
from coordinator.timetable.scope import Scope
from coordinator.timetable.score import Served, plan_score, served_by

logger = logging.getLogger(__name__)

MAX_UNMET_PER_STEP = 120  # unmet needs freed in one neighbourhood
MIN_STEP_S = 0.5  # no new step with less time than this left
POLISH_SHARE = 0.15  # of the time left, at the end: reunite split classroom x subjects ...
POLISH_MAX_S = 0.5  # ... at most this long (a county: 0.15-0.5 s on a loaded machine)


def improve(
    problem: Problem,
    drafts: list[Draft],
    deadline: float,
    *,
    keep: frozenset[tuple[int, int, int]] = frozenset(),
) -> list[Draft]:
    """Re-solve neighbourhoods until the deadline (monotonic clock); never worse than given.

    Each step's model is hinted with the whole current plan; a step is kept only if the whole
    plan's score (``plan_score``) does not drop. Lessons in ``keep`` (the current timetable's)
    are rewarded in every neighbourhood they fall in, so a step leaves them where they are
    unless moving them scores more.
    """
    rng = random.Random(problem.options.seed)
    can_teach = _needs_per_teacher(problem)
    current, score = drafts, plan_score(problem, drafts)
    before, steps, improved = score, 0, 0
    polish = not keep and POLISH_SHARE > 0  # kept lessons are rewarded: the polish ignores them
    polish_from = (
        deadline - min(POLISH_MAX_S, POLISH_SHARE * max(0.0, deadline - time.monotonic()))
        if polish
        else deadline
    )
    while _more_steps(problem, steps, polish_from):
        scope = neighbourhood(problem, current, can_teach, rng)
        if keep:
            scope = dataclasses.replace(
                scope, keep=frozenset(k for k in keep if k[1] in scope.teachers)
            )
        candidate, status = solve_scope(
            problem, scope, current, polish_from, problem.options.lns_subsolve_s
        )
        steps += 1
        if status == GREEDY:
            continue
        new_score = plan_score(problem, candidate)
        if new_score >= score:  # the whole plan's score, not only the neighbourhood's
            improved += new_score > score
            current, score = candidate, new_score
    logger.info("LNS: %d steps, %d improving, score %d -> %d", steps, improved, before, score)
    if polish:
        replay = problem.options.lns_steps is not None
        current = polish_continuity(problem, current, math.inf if replay else deadline)
    return current


def _more_steps(problem: Problem, steps: int, deadline: float) -> bool:
    """Until the deadline, or a fixed number of steps (deterministic with 1 worker)."""
    if problem.options.lns_steps is not None:
        return steps < problem.options.lns_steps
    return deadline - time.monotonic() > MIN_STEP_S


def _needs_per_teacher(problem: Problem) -> list[list[int]]:
    can_teach: list[list[int]] = [[] for _ in problem.teachers]
    for need, teachers in enumerate(problem.nearby):
        for teacher in teachers:
            can_teach[teacher].append(need)
    return can_teach


def neighbourhood(
    problem: Problem, drafts: list[Draft], can_teach: list[list[int]], rng: random.Random
) -> Scope:
    """Free a few related teachers, the needs they serve and unmet needs they could take."""
    served = served_by(problem, drafts)
    teachers = _grow(problem, served, _seed_teachers(problem, served, rng), rng)
    needs = set().union(*(served.needs_of[t] for t in teachers))
    unmet = sorted(
        {
            n
            for t in teachers
            for n in can_teach[t]
            if served.delivered[n] < problem.needs[n].periods
        }
    )
    needs |= set(rng.sample(unmet, min(len(unmet), MAX_UNMET_PER_STEP)))
    fixed = tuple(d for d in drafts if d.teacher not in teachers)
    return Scope(frozenset(teachers), frozenset(needs), fixed)


def _seed_teachers(problem: Problem, served: Served, rng: random.Random) -> list[int]:
    """Teachers around an unmet need, a split or same-day need, or one random teacher."""
    unmet = [n for n in range(len(problem.needs)) if served.delivered[n] < problem.needs[n].periods]
    split = [n for n, ts in served.teachers_of.items() if len(ts) > 1] + sorted(served.repeated())
    pick = rng.random()
    if unmet and pick < 0.4:
        need = rng.choice(unmet)
        near = problem.nearby[need]
        return sorted(served.teachers_of[need]) + rng.sample(near, min(3, len(near)))
    if split and pick < 0.8:
        return sorted(served.teachers_of[rng.choice(split)])
    return [rng.randrange(len(problem.teachers))]


def _grow(problem: Problem, served: Served, seeds: list[int], rng: random.Random) -> set[int]:
    """Add teachers who share classrooms with the chosen ones, up to the neighbourhood size."""
    size = problem.options.lns_teachers
    chosen: set[int] = set()
    frontier = list(dict.fromkeys(seeds))
    while frontier and len(chosen) < size:
        teacher = frontier.pop(0)
        if teacher in chosen:
            continue
        chosen.add(teacher)
        near = {t for n in served.needs_of[teacher] for t in problem.nearby[n]} - chosen
        frontier.extend(rng.sample(sorted(near), min(len(near), 4)))
    return chosen
