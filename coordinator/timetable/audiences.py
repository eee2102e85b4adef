"""Whether a school's teachers or a classroom's parents may join an open course for them.

Such a course holds no classroom, so the solver's clash rules do not apply: it must be open
and meant for that audience, not closed by the host, with a seat left (one seat per audience;
the session's capacity and the host's cap), and for parents, the classroom's grade among the
course's grades.
"""

from __future__ import annotations

from coordinator.domain import PinnedSession
from coordinator.enums import CourseAudience
from coordinator.timetable.enrolment import Refusal


def audience_refusals(
    course: PinnedSession,
    audience: CourseAudience,
    members: int,
    *,
    already: bool,
    grade: int | None = None,
    closed: bool = False,
    cap: int | None = None,
) -> tuple[Refusal, ...]:
    """Why the audience may not join (none: it may); `members`: audiences in it now."""
    if already:
        return (Refusal.ALREADY,)
    found = []
    if not course.open or course.audience != audience:
        found.append(Refusal.NOT_OPEN)
    if closed:
        found.append(Refusal.CLOSED)
    if grade is not None and grade not in course.grades:
        found.append(Refusal.GRADE)
    limit = min(course.capacity, cap) if cap is not None else course.capacity
    if members >= limit:
        found.append(Refusal.FULL)
    return tuple(found)
