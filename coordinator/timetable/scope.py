"""What one model decides: free teachers and needs, around sessions kept fixed.

A full solve frees everything. A neighbourhood re-solve (LNS) or a rebalance frees some
teachers and needs; every session of the other teachers stays exactly as it is, which takes its
classrooms' (and their assistants') time and counts toward their needs. Invariant: every need
enrolled in a free teacher's session is itself free.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from coordinator.timetable.clock import local_weekday, overlaps
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Interval, Option, Problem

Join = tuple[int | None, int, int]  # (need or None for an open-broadcast guest, classroom, pinned)


@dataclass(frozen=True, slots=True)
class Scope:
    teachers: frozenset[int]
    needs: frozenset[int]
    fixed: tuple[Draft, ...] = ()
    keep: frozenset[tuple[int, int, int]] = frozenset()  # rebalance: (need, teacher, slot)
    keep_pinned: frozenset[tuple[int, int]] = frozenset()  # rebalance: (need, pinned index)


def full_scope(problem: Problem) -> Scope:
    """Everything free: a solve from scratch."""
    return Scope(frozenset(range(len(problem.teachers))), frozenset(range(len(problem.needs))))


@dataclass(slots=True)
class Context:
    """What a scope implies for the model, computed once."""

    remaining: dict[int, int]  # free need -> periods still to deliver
    fixed_days: Counter[tuple[int, int]]  # (need, classroom day) -> fixed lessons
    options: dict[int, list[Option]] = field(default_factory=dict)  # free need -> options
    joins: list[Join] = field(default_factory=list)


def context_of(problem: Problem, scope: Scope) -> Context:
    """Remaining needs, fixed lessons per day and the options left open by the fixed part."""
    needs = problem.need_index()
    watched = _watched_assistants(problem, scope)
    blocked: dict[str, list[Interval]] = defaultdict(list)
    delivered: Counter[int] = Counter()
    fixed_days: Counter[tuple[int, int]] = Counter()
    for draft in scope.fixed:
        interval = problem.slots[draft.slot]
        for room in draft.classrooms:
            classroom = problem.classrooms[room]
            if classroom.assistant_id not in watched:
                continue  # nothing free depends on this classroom
            blocked[classroom.assistant_id].append(interval)
            need = needs.get((room, draft.subject_id))
            if need is not None:
                delivered[need] += 1
                fixed_days[(need, local_weekday(interval[0], classroom.offset))] += 1
    context = Context(
        remaining={n: max(0, problem.needs[n].periods - delivered[n]) for n in scope.needs},
        fixed_days=fixed_days,
    )
    for n in sorted(scope.needs):
        assistant = problem.classrooms[problem.needs[n].classroom].assistant_id
        context.options[n] = [
            (t, s)
            for t, s in problem.options_for(n, scope.teachers)
            if _clear(problem.slots[s], blocked.get(assistant, []))
        ]
    context.joins = _joins(problem, scope, blocked)
    return context


def _watched_assistants(problem: Problem, scope: Scope) -> set[str]:
    """Assistants of the classrooms a free need or a free pinned session may involve."""
    rooms = {problem.needs[n].classroom for n in scope.needs}
    for index, pinned in enumerate(problem.pinned):
        if pinned.teacher in scope.teachers:
            rooms.update(problem.joins[index])
    return {problem.classrooms[r].assistant_id for r in rooms}


def _clear(interval: Interval, blocked: list[Interval]) -> bool:
    return not any(overlaps(interval, b) for b in blocked)


def _joins(problem: Problem, scope: Scope, blocked: dict[str, list[Interval]]) -> list[Join]:
    """Classrooms that may join the pinned sessions of free teachers."""
    needs = problem.need_index()
    joins: list[Join] = []
    for index, pinned in enumerate(problem.pinned):
        if pinned.teacher not in scope.teachers:
            continue
        interval = problem.slots[pinned.slot]
        for room in problem.joins[index]:
            assistant = problem.classrooms[room].assistant_id
            if not _clear(interval, blocked.get(assistant, [])):
                continue
            need = needs.get((room, pinned.subject_id))
            if need is None or need in scope.needs:
                joins.append((need, room, index))
    return joins
