"""An independent check of every hard rule on a finished plan; it knows nothing of CP-SAT."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from coordinator.timetable.clock import local_weekday, overlaps
from coordinator.timetable.lessons import Lesson, lessons_of, session_interval
from coordinator.timetable.plan import Plan, Session
from coordinator.timetable.problem import Interval, Problem


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str


Timed = tuple[Interval, str]  # (interval, what)


def validate_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every broken hard rule of a plan; an empty list means the plan may be stored."""
    lessons = lessons_of(problem, plan)
    found: list[Violation] = []
    for check in SESSION_CHECKS:
        found.extend(check(problem, plan))
    for lesson_check in LESSON_CHECKS:
        found.extend(lesson_check(problem, lessons))
    return found


def check_known_ids(problem: Problem, plan: Plan) -> list[Violation]:
    """Every session names a known teacher and subject, and known classrooms."""
    rooms = problem.classroom_index()
    teachers = problem.teacher_index()
    found = []
    for s in plan.sessions:
        if s.teacher_id not in teachers:
            found.append(Violation("known_ids", f"{s.id}: unknown teacher {s.teacher_id}"))
        if s.subject_id not in problem.subject_names:
            found.append(Violation("known_ids", f"{s.id}: unknown subject {s.subject_id}"))
        unknown = [r for r in s.classroom_ids if r not in rooms]
        if unknown:
            found.append(Violation("known_ids", f"{s.id}: unknown classrooms {unknown}"))
    return found


def _timed_sessions(problem: Problem, plan: Plan) -> dict[int, list[tuple[Interval, Session]]]:
    teachers = problem.teacher_index()
    per_teacher: dict[int, list[tuple[Interval, Session]]] = defaultdict(list)
    for s in plan.sessions:
        if s.teacher_id in teachers:
            t = teachers[s.teacher_id]
            per_teacher[t].append((session_interval(problem, t, s), s))
    return per_teacher


def _clashes(items: list[Timed], gap: int) -> list[tuple[str, str]]:
    """Pairs of items that overlap or lie closer than ``gap`` minutes."""
    ordered = sorted(items)
    pairs = []
    for i, (a, what_a) in enumerate(ordered):
        for b, what_b in ordered[i + 1 :]:
            if b[0] >= a[1] + gap:
                break
            pairs.append((what_a, what_b))
    return pairs


def check_teacher_overlap(problem: Problem, plan: Plan) -> list[Violation]:
    """A teacher is never in two sessions that overlap or follow closer than the buffer."""
    gap = problem.options.teacher_buffer_minutes
    found = []
    for t, items in _timed_sessions(problem, plan).items():
        pinned = {s.id: i for i, s in items if s.pinned_id}
        for a, b in _clashes([(i, s.id) for i, s in items], gap):
            if a in pinned and b in pinned and not overlaps(pinned[a], pinned[b]):
                continue  # two pinned sessions: the admin chose the gap
            found.append(Violation("teacher_overlap", f"{problem.teachers[t].id}: {a} and {b}"))
    return found


def check_teacher_available(problem: Problem, plan: Plan) -> list[Violation]:
    """No session in a busy block (plus buffer, unless pinned) or on a day the school is closed."""
    gap = problem.options.teacher_buffer_minutes
    found = []
    for t, items in _timed_sessions(problem, plan).items():
        teacher = problem.teachers[t]
        for interval, s in items:
            if local_weekday(interval[0], teacher.offset) not in teacher.open_days:
                found.append(Violation("teacher_available", f"{s.id}: school closed that day"))
            margin = 0 if s.pinned_id else gap  # a pinned session's margin is the admin's call
            if any(overlaps(interval, block, margin) for block in teacher.busy):
                found.append(Violation("teacher_available", f"{s.id}: in a busy block"))
    return found


def check_teacher_max(problem: Problem, plan: Plan) -> list[Violation]:
    """A teacher gives at most max_per_day sessions a day and max_per_week a week."""
    found = []
    for t, items in _timed_sessions(problem, plan).items():
        teacher = problem.teachers[t]
        days = Counter(local_weekday(i[0], teacher.offset) for i, _ in items)
        if len(items) > teacher.max_per_week:
            found.append(Violation("teacher_max", f"{teacher.id}: {len(items)} sessions a week"))
        for day, count in days.items():
            if count > teacher.max_per_day:
                found.append(Violation("teacher_max", f"{teacher.id}: {count} on day {day}"))
    return found


def check_pinned_sessions(problem: Problem, plan: Plan) -> list[Violation]:
    """Every pinned session is in the plan, unmoved, within its grades and capacity."""
    by_id = {s.pinned_id: s for s in plan.sessions if s.pinned_id}
    rooms = problem.classroom_index()
    found = []
    for p in problem.pinned:
        s = by_id.get(p.id)
        if s is None:
            found.append(Violation("pinned", f"{p.id}: missing"))
            continue
        interval = session_interval(problem, p.teacher, s)
        if (s.teacher_id, s.subject_id, interval) != (
            problem.teachers[p.teacher].id,
            p.subject_id,
            problem.slots[p.slot],
        ):
            found.append(Violation("pinned", f"{p.id}: moved"))
        grades = [problem.classrooms[rooms[r]].grade for r in s.classroom_ids if r in rooms]
        if any(g not in p.grades for g in grades) or len(grades) > p.capacity:
            found.append(Violation("pinned", f"{p.id}: grades or capacity"))
    return found


def check_session_capacity(problem: Problem, plan: Plan) -> list[Violation]:
    """A regular broadcast reaches 1..K classrooms of one grade band; fewer on weak networks."""
    rooms = problem.classroom_index()
    k = problem.options.max_classrooms_per_session
    capacity = {p.id: p.capacity for p in problem.pinned}
    found = []
    for s in plan.sessions:
        members = [problem.classrooms[rooms[r]] for r in s.classroom_ids if r in rooms]
        limit = min([capacity.get(s.pinned_id or "", k)] + [c.capacity for c in members])
        if len(members) > limit or (not members and s.pinned_id is None):
            found.append(Violation("capacity", f"{s.id}: {len(members)} classrooms"))
        if s.pinned_id is None and len({c.band for c in members}) > 1:
            found.append(Violation("grade_band", f"{s.id}: mixes grade bands"))
    return found


def check_classroom_overlap(problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """A classroom is never in two lessons at once."""
    return _no_overlap(problem, lessons, lambda x: problem.classrooms[x.classroom].id, "classroom")


def check_assistant_overlap(problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """An assistant is never in two lessons at once (they may run several classrooms)."""
    return _no_overlap(
        problem, lessons, lambda x: problem.classrooms[x.classroom].assistant_id, "assistant"
    )


def _no_overlap(
    problem: Problem, lessons: list[Lesson], owner: Callable[[Lesson], str], rule: str
) -> list[Violation]:
    del problem
    per_owner: dict[str, list[Timed]] = defaultdict(list)
    for x in lessons:
        per_owner[owner(x)].append(((x.start, x.end), f"{x.session_id}@{x.classroom}"))
    found = []
    for who, items in per_owner.items():
        for a, b in _clashes(items, 0):
            found.append(Violation(f"{rule}_overlap", f"{who}: {a} and {b}"))
    return found


def check_live_periods(problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """A lesson lies inside one of the classroom's live periods (allowing the overrun)."""
    overrun = problem.options.overrun_minutes
    found = []
    for x in lessons:
        room = problem.classrooms[x.classroom]
        if not any(p[0] <= x.start < p[1] and x.end <= p[1] + overrun for p in room.live):
            found.append(Violation("live_period", f"{x.session_id}: outside {room.id}'s periods"))
    return found


def check_needs(problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """Never more than the weekly need; no lesson without a need outside open broadcasts."""
    open_sessions = {p.id for p in problem.pinned if p.open}
    counts = Counter(x.need for x in lessons if x.need is not None)
    found = [
        Violation("need", f"{x.session_id}: {problem.classrooms[x.classroom].id} has no need")
        for x in lessons
        if x.need is None and x.session_id not in open_sessions
    ]
    for need, count in counts.items():
        if count > problem.needs[need].periods:
            room = problem.classrooms[problem.needs[need].classroom].id
            found.append(Violation("need", f"{room}: {count} periods of a weekly need"))
    return found


def check_qualified(problem: Problem, lessons: list[Lesson]) -> list[Violation]:
    """The teacher teaches the subject and the classroom's grade."""
    found = []
    for x in lessons:
        teacher = problem.teachers[x.teacher]
        grade = problem.classrooms[x.classroom].grade
        if x.subject_id not in teacher.subjects or grade not in teacher.grades:
            found.append(Violation("qualified", f"{x.session_id}: {teacher.id} not qualified"))
    return found


SESSION_CHECKS: tuple[Callable[[Problem, Plan], list[Violation]], ...] = (
    check_known_ids,
    check_teacher_overlap,
    check_teacher_available,
    check_teacher_max,
    check_pinned_sessions,
    check_session_capacity,
)
LESSON_CHECKS: tuple[Callable[[Problem, list[Lesson]], list[Violation]], ...] = (
    check_classroom_overlap,
    check_assistant_overlap,
    check_live_periods,
    check_needs,
    check_qualified,
)
