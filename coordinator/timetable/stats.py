"""Summary figures of a plan: delivered periods, continuity, same-day duplicates, load spread."""

from __future__ import annotations

from collections import Counter, defaultdict

from coordinator.timetable.lessons import Lesson, delivered_by_need, lessons_of
from coordinator.timetable.plan import Plan, PlanStats
from coordinator.timetable.problem import Problem


def plan_stats(problem: Problem, plan: Plan, *, bound: int, wall_seconds: float) -> PlanStats:
    """Compute the summary of a plan from its sessions alone."""
    lessons = lessons_of(problem, plan)
    return PlanStats(
        demand_periods=problem.demand_periods,
        delivered_periods=sum(delivered_by_need(problem, lessons)),
        upper_bound_periods=bound,
        continuity=continuity(lessons),
        same_day_duplicates=same_day_duplicates(problem, lessons),
        load_spread=load_spread(problem, plan),
        sessions=len(plan.sessions),
        wall_seconds=wall_seconds,
    )


def continuity(lessons: list[Lesson]) -> float:
    """Share of classroom x subject pairs with delivered periods served by exactly one teacher."""
    teachers: dict[int, set[int]] = defaultdict(set)
    for lesson in lessons:
        if lesson.need is not None:
            teachers[lesson.need].add(lesson.teacher)
    if not teachers:
        return 1.0
    return sum(1 for t in teachers.values() if len(t) == 1) / len(teachers)


def same_day_duplicates(problem: Problem, lessons: list[Lesson]) -> int:
    """Extra periods of one subject on one of the classroom's days."""
    per_day = Counter((x.need, x.day(problem)) for x in lessons if x.need is not None)
    return sum(count - 1 for count in per_day.values() if count > 1)


def load_spread(problem: Problem, plan: Plan) -> int:
    """Busiest minus idlest teacher (sessions a week), over teachers qualified for some need."""
    qualified = {problem.teachers[t].id for ts in problem.qualified for t in ts}
    if not qualified:
        return 0
    load = Counter(s.teacher_id for s in plan.sessions if s.teacher_id in qualified)
    values = [load.get(t, 0) for t in qualified]
    return max(values) - min(values)
