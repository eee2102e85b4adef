"""The model's objective computed on drafts, to compare plans without a solver."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from coordinator.timetable.clock import local_weekday
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem


@dataclass(slots=True)
class Served:
    """Who serves what in a plan."""

    teachers_of: dict[int, set[int]]  # need -> teachers
    needs_of: dict[int, set[int]]  # teacher -> needs
    delivered: Counter[int]
    days: Counter[tuple[int, int]]  # (need, classroom's weekday) -> periods

    def repeated(self) -> set[int]:
        """Needs with more than one period on one day."""
        return {need for (need, _), count in self.days.items() if count > 1}


def served_by(problem: Problem, drafts: list[Draft]) -> Served:
    """Teachers, deliveries and days per need in a plan."""
    needs = problem.need_index()
    served = Served(defaultdict(set), defaultdict(set), Counter(), Counter())
    for draft in drafts:
        start = problem.slots[draft.slot][0]
        for room in draft.classrooms:
            need = needs.get((room, draft.subject_id))
            if need is not None:
                served.teachers_of[need].add(draft.teacher)
                served.needs_of[draft.teacher].add(need)
                served.delivered[need] += 1
                served.days[(need, local_weekday(start, problem.classrooms[room].offset))] += 1
    return served


def plan_score(problem: Problem, drafts: list[Draft]) -> int:
    """The model's objective on drafts (without the rebalance reward for kept lessons)."""
    w = problem.options.weights
    served = served_by(problem, drafts)
    delivered = sum(min(c, problem.needs[n].periods) for n, c in served.delivered.items())
    teachers = sum(len(ts) for ts in served.teachers_of.values())
    opened = sum(1 for d in drafts if d.pinned_id is None and d.classrooms)
    return (
        w.delivered * delivered
        - w.continuity * teachers
        - w.same_day * sum(c - 1 for c in served.days.values() if c > 1)
        - w.session * opened
        + _lesson_rewards(problem, drafts)
        - w.balance * max(Counter(d.teacher for d in drafts).values(), default=0)
        - w.mixed_grades * _mixed_grades(problem, drafts)
    )


def _mixed_grades(problem: Problem, drafts: list[Draft]) -> int:
    """Grades beyond the first in each regular broadcast."""
    return sum(
        len({problem.classrooms[r].grade for r in d.classrooms}) - 1
        for d in drafts
        if d.pinned_id is None and d.classrooms
    )


def _lesson_rewards(problem: Problem, drafts: list[Draft]) -> int:
    """Alliance lessons, needed periods in pinned sessions and open-broadcast guests."""
    w = problem.options.weights
    needs = problem.need_index()
    total = 0
    for draft in drafts:
        school = problem.teachers[draft.teacher].school_id
        for room in draft.classrooms:
            has_need = (room, draft.subject_id) in needs
            if draft.pinned_id is not None:
                total += w.pinned_enrolment if has_need else w.open_extra
            else:
                pair = (school, problem.classrooms[room].school_id)
                total += w.alliance * problem.affinity.get(pair, 0)
    return total
