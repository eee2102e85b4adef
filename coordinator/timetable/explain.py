"""Why a need is not met, in words an admin can act on (English and Chinese), and as data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coordinator.timetable.clock import local_weekday, overlaps
from coordinator.timetable.lessons import delivered_by_need, lessons_of, session_interval
from coordinator.timetable.plan import Plan, Reason, Unmet
from coordinator.timetable.problem import Interval, Problem, mask_of, slots_of

NO_QUALIFIED_TEACHER = "no_qualified_teacher"
NO_COMMON_TIME = "no_common_time"
CLASSROOM_FULL = "classroom_periods_exhausted"
TEACHERS_FULL = "qualified_teachers_full"
NOT_CHOSEN = "traded_off"

TEXTS: dict[str, tuple[str, str]] = {
    NO_QUALIFIED_TEACHER: (
        "No network teacher teaches {subject} to grade {grade}. Add or qualify a teacher.",
        "没有能教{grade}年级{subject_zh}的主讲教师。请增加教师或扩展教师的任教年级。",
    ),
    NO_COMMON_TIME: (
        "None of the {count} qualified teachers ({teachers_en}) is free during {classroom}'s live "
        "periods. Open more live periods or free a teacher's busy block.",
        "{count}位可任教的教师（{teachers_zh}）在{classroom}的直播节次都没有空。"
        "请开放更多直播节次，或调整教师的本校课表。",
    ),
    CLASSROOM_FULL: (
        "{classroom}'s live periods that a qualified teacher could use are all taken by other "
        "live lessons ({taken} lessons a week). Open more live periods or reduce other needs.",
        "{classroom}可用的直播节次已被其他直播课占满（每周{taken}节）。请开放更多直播节次或减少其他需求。",
    ),
    TEACHERS_FULL: (
        "The qualified teachers are full at the times {classroom} could take: {loads_en}. "
        "Raise a teacher's weekly maximum or add a teacher.",
        "可任教的教师在{classroom}能上课的时间都已排满：{loads_zh}。请提高教师每周上限或增加教师。",
    ),
    NOT_CHOSEN: (
        "A teacher could still take {classroom} for {subject}, but only by moving other lessons; "
        "the solver kept the better whole plan. A longer time limit may help.",
        "仍有教师能给{classroom}上{subject_zh}，但需挪动其他课程；求解器保留了整体更优的课表。"
        "可尝试延长求解时间。",
    ),
}


def explain_unmet(problem: Problem, plan: Plan) -> tuple[Unmet, ...]:
    """Every need delivered short of its periods, with the reason."""
    lessons = lessons_of(problem, plan)
    delivered = delivered_by_need(problem, lessons)
    booked = teacher_sessions(problem, plan)
    by_assistant: dict[str, list[Interval]] = defaultdict(list)  # once, not per need
    for lesson in lessons:
        by_assistant[problem.classrooms[lesson.classroom].assistant_id].append(
            (lesson.start, lesson.end)
        )
    unmet = []
    for index, need in enumerate(problem.needs):
        missing = need.periods - delivered[index]
        if missing > 0:
            room = problem.classrooms[need.classroom].id
            reason = explain_need(problem, by_assistant, booked, index)
            unmet.append(Unmet(room, need.subject_id, missing, reason))
    return tuple(unmet)


def teacher_sessions(problem: Problem, plan: Plan) -> dict[int, list[Interval]]:
    """Each teacher's sessions on the common clock, pinned ones included."""
    teachers = problem.teacher_index()
    booked: dict[int, list[Interval]] = defaultdict(list)
    for session in plan.sessions:
        if session.teacher_id in teachers:
            t = teachers[session.teacher_id]
            booked[t].append(session_interval(problem, t, session))
    return booked


def explain_need(
    problem: Problem,
    by_assistant: dict[str, list[Interval]],
    booked: dict[int, list[Interval]],
    need: int,
) -> Reason:
    """The first reason that holds, from the hardest fact to the softest."""
    info = problem.needs[need]
    room = problem.classrooms[info.classroom]
    params: dict[str, Any] = {
        "classroom_id": room.id,
        "classroom": problem.name(room.id),
        "subject": problem.subject_names.get(info.subject_id, (info.subject_id, ""))[1]
        or info.subject_id,
        "subject_zh": problem.subject_names.get(info.subject_id, (info.subject_id, ""))[0],
        "grade": room.grade,
    }
    qualified = problem.qualified[need]
    if not qualified:
        return _reason(NO_QUALIFIED_TEACHER, params)
    fit, free = problem.fit_masks()[info.classroom], problem.free_masks()
    if not any(fit & free[t] for t in qualified) and not _pinned_fits(problem, need):
        ids = [problem.teachers[t].id for t in qualified]
        names = [problem.name(ident) for ident in ids]
        listed = {"teachers_en": ", ".join(names), "teachers_zh": "、".join(names)}
        return _reason(NO_COMMON_TIME, {**params, "count": len(ids), "teachers": ids, **listed})
    room_busy = by_assistant.get(room.assistant_id, [])
    open_slots = mask_of(  # the classroom's fitting slots its assistant has not given away
        s for s in slots_of(fit) if not any(overlaps(problem.slots[s], b) for b in room_busy)
    )
    usable = [t for t in qualified if open_slots & free[t]]  # teachers with a usable slot
    if not usable:
        return _reason(CLASSROOM_FULL, {**params, "taken": len(room_busy)})
    if all(
        _teacher_taken(problem, booked[t], t, s)
        for t in usable
        for s in slots_of(open_slots & free[t])
    ):
        loads = _loads(problem, booked, sorted(usable))
        texts = {
            "loads_en": _loads_text(problem, loads, ", "),
            "loads_zh": _loads_text(problem, loads, "、"),
        }
        return _reason(TEACHERS_FULL, {**params, "teachers": loads, **texts})
    return _reason(NOT_CHOSEN, params)


def _reason(code: str, params: dict[str, Any]) -> Reason:
    english, chinese = TEXTS[code]
    return Reason(code, params, english.format(**params), chinese.format(**params))


def _pinned_fits(problem: Problem, need: int) -> bool:
    info = problem.needs[need]
    return any(
        p.subject_id == info.subject_id and info.classroom in problem.joins[i]
        for i, p in enumerate(problem.pinned)
    )


def _teacher_taken(problem: Problem, sessions: list[Interval], teacher: int, slot: int) -> bool:
    """The teacher is at their weekly or daily maximum, or teaching near that time."""
    info = problem.teachers[teacher]
    day = problem.day_of(teacher, slot)
    same_day = [s for s in sessions if local_weekday(s[0], info.offset) == day]
    gap = problem.options.teacher_buffer_minutes
    return (
        len(sessions) >= info.max_per_week
        or len(same_day) >= info.max_per_day
        or any(overlaps(problem.slots[slot], s, gap) for s in sessions)
    )


def _loads(
    problem: Problem, booked: dict[int, list[Interval]], teachers: list[int]
) -> list[dict[str, Any]]:
    return [
        {
            "teacher_id": problem.teachers[t].id,
            "sessions": len(booked.get(t, [])),
            "max_per_week": problem.teachers[t].max_per_week,
        }
        for t in teachers
    ]


def _loads_text(problem: Problem, loads: list[dict[str, Any]], separator: str) -> str:
    """Each teacher's name and sessions of their weekly maximum: 王丽 5/5."""
    return separator.join(
        f"{problem.name(x['teacher_id'])} {x['sessions']}/{x['max_per_week']}" for x in loads
    )
