"""Decomposition for large instances: neighbourhoods of teachers re-solved by CP-SAT (LNS).

Around a greedy construction, each step frees a few teachers (grown from an unmet need, a
classroom x subject served by several teachers, or a random teacher, through the teachers who
share classrooms with them), frees every need they serve plus unmet needs they could take, keeps
all other sessions fixed and re-solves that part. A step is kept when it does not lower the
plan's score, so the plan only improves and is valid after every step.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from coordinator.timetable.clock import local_weekday
from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Scope

logger = logging.getLogger(__name__)

MAX_UNMET_PER_STEP = 120  # unmet needs freed in one neighbourhood


def improve(problem: Problem, drafts: list[Draft], deadline: float) -> list[Draft]:
    """Re-solve neighbourhoods until the deadline (monotonic clock); never worse than given."""
    rng = random.Random(problem.options.seed)
    can_teach = _needs_per_teacher(problem)
    current, score = drafts, plan_score(problem, drafts)
    steps = accepted = 0
    while (left := deadline - time.monotonic()) > 0.3:
        scope = neighbourhood(problem, current, can_teach, rng)
        candidate, _ = solve_scope(
            problem, scope, current, min(problem.options.lns_subsolve_s, left)
        )
        steps += 1
        new_score = plan_score(problem, candidate)
        if new_score >= score:
            accepted += new_score > score
            current, score = candidate, new_score
    logger.info("LNS: %d steps, %d improving, score %d", steps, accepted, score)
    return current


def _needs_per_teacher(problem: Problem) -> list[list[int]]:
    can_teach: list[list[int]] = [[] for _ in problem.teachers]
    for need, teachers in enumerate(problem.nearby):
        for teacher in teachers:
            can_teach[teacher].append(need)
    return can_teach


@dataclass(slots=True)
class Served:
    """Who serves what in a plan."""

    teachers_of: dict[int, set[int]]  # need -> teachers
    needs_of: dict[int, set[int]]  # teacher -> needs
    delivered: Counter[int]


def served_by(problem: Problem, drafts: list[Draft]) -> Served:
    needs = problem.need_index()
    served = Served(defaultdict(set), defaultdict(set), Counter())
    for draft in drafts:
        for room in draft.classrooms:
            need = needs.get((room, draft.subject_id))
            if need is not None:
                served.teachers_of[need].add(draft.teacher)
                served.needs_of[draft.teacher].add(need)
                served.delivered[need] += 1
    return served


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
    """Teachers around an unmet need, a split classroom x subject, or one random teacher."""
    unmet = [n for n in range(len(problem.needs)) if served.delivered[n] < problem.needs[n].periods]
    split = [n for n, ts in served.teachers_of.items() if len(ts) > 1]
    pick = rng.random()
    if unmet and pick < 0.4:
        need = rng.choice(unmet)
        near = problem.nearby[need]
        return sorted(served.teachers_of[need]) + rng.sample(near, min(3, len(near)))
    if split and pick < 0.8:
        return sorted(served.teachers_of[rng.choice(sorted(split))])
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


def plan_score(problem: Problem, drafts: list[Draft]) -> int:
    """The objective of the model, computed on drafts (to accept or reject a step)."""
    w = problem.options.weights
    served = served_by(problem, drafts)
    delivered = sum(min(c, problem.needs[n].periods) for n, c in served.delivered.items())
    teachers = sum(len(ts) for ts in served.teachers_of.values())
    days: Counter[tuple[int, int]] = Counter()
    needs = problem.need_index()
    for draft in drafts:
        for room in draft.classrooms:
            need = needs.get((room, draft.subject_id))
            if need is not None:
                offset = problem.classrooms[room].offset
                days[(need, local_weekday(problem.slots[draft.slot][0], offset))] += 1
    repeats = sum(c - 1 for c in days.values() if c > 1)
    opened = sum(1 for d in drafts if d.pinned_id is None and d.classrooms)
    return (
        w.delivered * delivered
        - w.continuity * teachers
        - w.same_day * repeats
        - w.session * opened
    )
