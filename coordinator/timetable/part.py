"""A plan solved for part of the data (one region), set into the whole week's plan."""

from __future__ import annotations

from coordinator.timetable.bound import quick_bound
from coordinator.timetable.explain import explain_unmet
from coordinator.timetable.plan import Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.stats import plan_stats


def merge_part(
    problem: Problem,
    part: Plan,
    base: Plan,
    *,
    teachers: frozenset[str],
    classrooms: frozenset[str],
) -> Plan:
    """The part's sessions plus the base plan's sessions that reach none of the part's teachers
    or classrooms; unmet needs and figures for the whole problem (not validated here)."""
    kept = tuple(
        s
        for s in base.sessions
        if s.teacher_id not in teachers and not classrooms.intersection(s.classroom_ids)
    )
    sessions = tuple(
        sorted(part.sessions + kept, key=lambda s: (s.teacher_id, s.weekday, s.start, s.id))
    )
    draft = Plan(status=part.status, sessions=sessions)
    unmet = explain_unmet(problem, draft)
    whole = Plan(status=part.status, sessions=sessions, unmet=unmet)
    stats = plan_stats(
        problem, whole, bound=quick_bound(problem), wall_seconds=part.stats.wall_seconds
    )
    return Plan(status=part.status, sessions=sessions, unmet=unmet, stats=stats)
