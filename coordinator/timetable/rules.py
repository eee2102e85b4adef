"""The catalogue of rules, one function each: hard rules first, then soft rules.

Hard rules add constraints. Soft rules add what they need and return the term the objective
weighs (a count to reward or to penalise); the objective is assembled once, in ``model``.
Three hard rules hold by construction of the candidate options (``build``): a teacher is
qualified for the subject and grade; a session lies in one of the classroom's live periods;
a teacher is never booked in a busy block, on a closed weekday or against a pinned session.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from coordinator.timetable.clock import local_weekday
from coordinator.timetable.problem import Interval
from coordinator.timetable.scope import Context, Scope
from coordinator.timetable.variables import LessonVars

Timed = tuple[Interval, cp_model.IntVar]


def _at_most_one_at_a_time(model: cp_model.CpModel, items: list[Timed], gap: int = 0) -> None:
    """At every start instant, at most one of the items whose [start, end + gap) covers it."""
    starts = sorted({interval[0] for interval, _ in items})
    for point in starts:
        covering = [var for (s, e), var in items if s <= point < e + gap]
        if len(covering) > 1:
            model.add_at_most_one(covering)


def _total(variables: Iterable[cp_model.IntVar]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(list(variables))


# ---- hard rules -------------------------------------------------------------------------


def teacher_one_session_at_a_time(model: cp_model.CpModel, v: LessonVars) -> None:
    # A teacher is never in two sessions that overlap or follow closer than the buffer.
    per_teacher: dict[int, list[Timed]] = defaultdict(list)
    for key, var in v.session.items():
        per_teacher[key[0]].append((v.problem.slots[key[2]], var))
    for items in per_teacher.values():
        _at_most_one_at_a_time(model, items, v.problem.options.teacher_buffer_minutes)


def teacher_daily_and_weekly_max(model: cp_model.CpModel, v: LessonVars) -> None:
    # A teacher gives at most max_per_day sessions a day and max_per_week a week, pinned included.
    problem = v.problem
    per_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for key, var in v.session.items():
        per_day[(key[0], problem.day_of(key[0], key[2]))].append(var)
    pinned_days = Counter((p.teacher, problem.day_of(p.teacher, p.slot)) for p in problem.pinned)
    pinned_week = Counter(p.teacher for p in problem.pinned)
    per_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (teacher, day), variables in per_day.items():
        limit = problem.teachers[teacher].max_per_day - pinned_days[(teacher, day)]
        if len(variables) > limit:
            model.add(sum(variables) <= limit)
        per_week[teacher].extend(variables)
    for teacher, variables in per_week.items():
        limit = problem.teachers[teacher].max_per_week - pinned_week[teacher]
        if len(variables) > limit:
            model.add(sum(variables) <= limit)


def assistant_one_lesson_at_a_time(model: cp_model.CpModel, v: LessonVars) -> None:
    # An assistant, and so each classroom they run, is in at most one lesson at a time.
    problem = v.problem
    per_assistant: dict[str, list[Timed]] = defaultdict(list)
    for (need, _, slot), var in v.lesson.items():
        room = problem.classrooms[problem.needs[need].classroom]
        per_assistant[room.assistant_id].append((problem.slots[slot], var))
    for (_, room_index, pinned), var in v.join.items():
        room = problem.classrooms[room_index]
        per_assistant[room.assistant_id].append((problem.slots[problem.pinned[pinned].slot], var))
    for items in per_assistant.values():
        _at_most_one_at_a_time(model, items)


def session_capacity(model: cp_model.CpModel, v: LessonVars) -> None:
    # A broadcast reaches at most K classrooms, fewer if one of them is on a weak network.
    problem = v.problem
    for key, members in v.members.items():
        room_vars = [(problem.needs[m[0]].classroom, v.lesson[m]) for m in members]
        _capacity(model, v.session[key], room_vars, problem.options.max_classrooms_per_session, v)
    per_pinned: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (_, room, pinned), var in v.join.items():
        per_pinned[pinned].append((room, var))
    for pinned, room_vars in per_pinned.items():
        _capacity(model, None, room_vars, problem.pinned[pinned].capacity, v)


def _capacity(
    model: cp_model.CpModel,
    opened: cp_model.IntVar | None,
    room_vars: list[tuple[int, cp_model.IntVar]],
    capacity: int,
    v: LessonVars,
) -> None:
    total = sum(var for _, var in room_vars)
    if len(room_vars) > capacity:
        model.add(total <= capacity * (1 if opened is None else opened))
    for room, var in room_vars:
        limit = min(capacity, v.problem.classrooms[room].capacity)
        if limit < capacity and len(room_vars) > limit:
            model.add(total + (capacity - limit) * var <= capacity)


def lessons_belong_to_open_sessions(model: cp_model.CpModel, v: LessonVars) -> None:
    # A classroom attends a broadcast only if it runs, and a broadcast runs only with a classroom.
    for key, members in v.members.items():
        session = v.session[key]
        lessons = [v.lesson[m] for m in members]
        for lesson in lessons:
            model.add_implication(lesson, session)
        model.add(session <= sum(lessons))


def need_not_exceeded(model: cp_model.CpModel, v: LessonVars, context: Context) -> None:
    # A classroom never gets more periods of a subject than its weekly need.
    per_need: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (need, _, _), var in v.lesson.items():
        per_need[need].append(var)
    for (guest_need, _, _), var in v.join.items():
        if guest_need is not None:
            per_need[guest_need].append(var)
    for need, variables in per_need.items():
        if len(variables) > context.remaining[need]:
            model.add(sum(variables) <= context.remaining[need])


# ---- soft rules -------------------------------------------------------------------------


def delivered_periods(v: LessonVars) -> cp_model.LinearExpr:
    # Reward: every needed period delivered, pinned sessions included.
    joins = [var for (need, _, _), var in v.join.items() if need is not None]
    return _total([*v.lesson.values(), *joins])


def pinned_enrolments(v: LessonVars) -> cp_model.LinearExpr:
    # Reward: classrooms with a need fill pinned broadcasts first.
    return _total(var for (need, _, _), var in v.join.items() if need is not None)


def open_broadcast_guests(v: LessonVars) -> cp_model.LinearExpr:
    # Reward: classrooms without a need join open 公益课堂 broadcasts when they are free.
    return _total(var for (need, _, _), var in v.join.items() if need is None)


def teachers_per_classroom_subject(model: cp_model.CpModel, v: LessonVars) -> cp_model.LinearExpr:
    # Penalty: each teacher a classroom sees for one subject (continuity: *their* teacher).
    for (need, teacher, _), var in v.lesson.items():
        model.add_implication(var, v.uses[(need, teacher)])
    for (guest_need, _, pinned), var in v.join.items():
        if guest_need is not None:
            model.add_implication(var, v.uses[(guest_need, v.problem.pinned[pinned].teacher)])
    return _total(v.uses.values())


def same_day_repeats(
    model: cp_model.CpModel, v: LessonVars, context: Context
) -> cp_model.LinearExpr:
    # Penalty: each extra period of one subject on the same day of the classroom's week.
    problem = v.problem
    per_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (need, _, slot), var in v.lesson.items():
        offset = problem.classrooms[problem.needs[need].classroom].offset
        per_day[(need, local_weekday(problem.slots[slot][0], offset))].append(var)
    repeats: list[cp_model.IntVar] = []
    for key, variables in per_day.items():
        fixed = context.fixed_days[key]
        if len(variables) + fixed > 1:
            extra = model.new_int_var(0, len(variables) + fixed, f"dup{key}")
            model.add(extra >= sum(variables) + fixed - 1)
            v.add_floor(extra, variables, fixed - 1)
            repeats.append(extra)
    return _total(repeats)


def alliance_lessons(v: LessonVars) -> cp_model.LinearExpr:
    # Reward: lessons between pairing partners (结对) and education-group members, by weight.
    problem = v.problem
    variables: list[cp_model.IntVar] = []
    weights: list[int] = []
    for (need, teacher, _), var in v.lesson.items():
        room = problem.classrooms[problem.needs[need].classroom]
        weight = problem.affinity.get((problem.teachers[teacher].school_id, room.school_id), 0)
        if weight:
            variables.append(var)
            weights.append(weight)
    return cp_model.LinearExpr.weighted_sum(variables, weights)


def busiest_teacher_load(model: cp_model.CpModel, v: LessonVars) -> cp_model.LinearExpr:
    # Penalty: the weekly sessions of the busiest free teacher (balance teacher load).
    per_teacher: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for key, var in v.session.items():
        per_teacher[key[0]].append(var)
    pinned = Counter(p.teacher for p in v.problem.pinned)
    top = max((t.max_per_week for t in v.problem.teachers), default=0)
    busiest = model.new_int_var(0, top, "busiest")
    for teacher, variables in per_teacher.items():
        model.add(busiest >= sum(variables) + pinned[teacher])
        v.add_floor(busiest, variables, pinned[teacher])
    return cp_model.LinearExpr.sum([busiest])


def broadcasts_opened(v: LessonVars) -> cp_model.LinearExpr:
    # Penalty: each broadcast opened, so that classrooms share fewer, fuller broadcasts.
    return _total(v.session.values())


def mixed_grades(model: cp_model.CpModel, v: LessonVars) -> cp_model.LinearExpr:
    # Penalty: each grade beyond the first in one broadcast (the grade should match).
    problem = v.problem
    present: list[cp_model.IntVar] = []
    mixed: list[cp_model.IntVar] = []
    for key, members in v.members.items():
        per_grade: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for m in members:
            per_grade[problem.classrooms[problem.needs[m[0]].classroom].grade].append(v.lesson[m])
        if len(per_grade) < 2:
            continue
        for grade, variables in per_grade.items():
            marker = model.new_bool_var(f"g{key}_{grade}")
            for var in variables:
                model.add_implication(var, marker)
                v.add_floor(marker, [var], 0)
            present.append(marker)
        mixed.append(v.session[key])
    return cp_model.LinearExpr.weighted_sum(present + mixed, [1] * len(present) + [-1] * len(mixed))


def kept_lessons(v: LessonVars, scope: Scope) -> cp_model.LinearExpr:
    # Reward (rebalance): lessons of the previous plan that stay where they were.
    kept = [var for key, var in v.lesson.items() if key in scope.keep]
    kept += [
        var for (n, _, p), var in v.join.items() if n is not None and (n, p) in scope.keep_pinned
    ]
    return _total(kept)
