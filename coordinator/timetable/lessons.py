"""A plan read back as lessons on the common clock: one classroom in one session."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.timetable.clock import local_weekday, to_common
from coordinator.timetable.plan import Plan, Session
from coordinator.timetable.problem import Problem


@dataclass(frozen=True, slots=True)
class Lesson:
    session_id: str
    teacher: int
    classroom: int
    subject_id: str
    start: int  # common minutes
    end: int
    need: int | None  # the need it serves, None for an open-broadcast guest

    def day(self, problem: Problem) -> int:
        """The classroom's local weekday of the lesson."""
        return local_weekday(self.start, problem.classrooms[self.classroom].offset)


def session_interval(problem: Problem, teacher: int, session: Session) -> tuple[int, int]:
    """A session's start and end on the common clock."""
    offset = problem.teachers[teacher].offset
    start = to_common(session.weekday, session.start, offset)
    end = to_common(session.weekday, session.end, offset)
    return start, end if end > start else end + 1440


def lessons_of(problem: Problem, plan: Plan) -> list[Lesson]:
    """Every (session, classroom) of a plan whose teacher and classroom the problem knows."""
    teachers = problem.teacher_index()
    rooms = problem.classroom_index()
    needs = problem.need_index()
    lessons: list[Lesson] = []
    for session in plan.sessions:
        teacher = teachers.get(session.teacher_id)
        if teacher is None:
            continue
        start, end = session_interval(problem, teacher, session)
        for room_id in session.classroom_ids:
            room = rooms.get(room_id)
            if room is None:
                continue
            need = needs.get((room, session.subject_id))
            lessons.append(Lesson(session.id, teacher, room, session.subject_id, start, end, need))
    return lessons


def delivered_by_need(problem: Problem, lessons: list[Lesson]) -> list[int]:
    """Periods delivered per need, capped at the need."""
    counts = [0] * len(problem.needs)
    for lesson in lessons:
        if lesson.need is not None:
            counts[lesson.need] += 1
    return [min(c, n.periods) for c, n in zip(counts, problem.needs, strict=True)]
