"""Whether a classroom may join an open pinned session now: the solver's own rules, one answer.

The plan is the weekly timetable with every current self-enrolment laid in. The cheap rules
(open, grade, school day, bells with the overrun, seats) come first so that the reason given is
the plainest one; then the classroom is put in the session and the independent validator
(`validate`) has the last word: any hard rule the join would newly break (a clash of the
classroom or its assistant, a need's weekly cap, the network's session size) refuses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from coordinator.timetable.candidates import fits
from coordinator.timetable.clock import local_weekday
from coordinator.timetable.plan import Plan, Session
from coordinator.timetable.problem import ClassroomInfo, PinnedInfo, Problem
from coordinator.timetable.validate import Violation, validate_plan


class Refusal(StrEnum):
    """Why a classroom may not join an open course (one line each on the catalogue)."""

    NOT_OPEN = "not_open"  # the pinned session takes only classrooms with a need
    NOT_PLANNED = "not_planned"  # the timetable does not hold the session
    CLOSED = "closed"  # the host closed enrolment
    ALREADY = "already"  # the classroom takes it already
    PENDING = "pending"  # its request to join waits for an admin's approval
    GRADE = "grade"  # the classroom's grade is not among the course's grades
    SCHOOL_DAY = "school_day"  # the classroom's school has no live periods that weekday
    BELLS = "bells"  # the course does not lie inside one of its live periods (with overrun)
    FULL = "full"  # no seat left
    NETWORK = "network"  # the classroom's network takes only smaller sessions
    CLASSROOM_CLASH = "classroom_clash"  # the classroom has another lesson then
    ASSISTANT_CLASH = "assistant_clash"  # its assistant has a lesson in another classroom then
    NEED_CAP = "need_cap"  # it has all its weekly lessons of the subject already
    NOT_QUALIFIED = "not_qualified"  # the teacher does not teach the classroom's grade
    OTHER = "other"  # another hard rule of the solver


VALIDATOR_RULES = {
    "classroom_overlap": Refusal.CLASSROOM_CLASH,
    "assistant_overlap": Refusal.ASSISTANT_CLASH,
    "need": Refusal.NEED_CAP,
    "capacity": Refusal.FULL,
    "pinned": Refusal.FULL,
    "live_period": Refusal.BELLS,
    "qualified": Refusal.NOT_QUALIFIED,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One classroom and one open course: seats left and the reasons it may not join."""

    pinned_id: str
    classroom_id: str
    members: tuple[str, ...]  # the classrooms taking it now (timetable and self-enrolled)
    limit: int  # most classrooms the session takes with its current members
    refusals: tuple[Refusal, ...]

    @property
    def fits(self) -> bool:
        return not self.refusals

    @property
    def seats_left(self) -> int:
        return max(0, self.limit - len(self.members))


def course_session(plan: Plan, pinned_id: str) -> Session | None:
    return next((s for s in plan.sessions if s.pinned_id == pinned_id), None)


def seat_limit(
    problem: Problem, pinned: PinnedInfo, members: tuple[str, ...], cap: int | None
) -> int:
    """The session's capacity, the host's cap and each member's network limit, the least."""
    rooms = problem.classroom_index()
    limits = [
        pinned.capacity,
        *(problem.classrooms[rooms[m]].capacity for m in members if m in rooms),
    ]
    if cap is not None:
        limits.append(cap)
    return min(limits)


def judge(
    problem: Problem,
    plan: Plan,
    pinned_id: str,
    classroom_id: str,
    *,
    closed: bool = False,
    cap: int | None = None,
    broken: Callable[[], frozenset[Violation]] | None = None,
) -> Verdict:
    """Whether `classroom_id` may join the open pinned session `pinned_id` of `plan` now.

    `broken`: gives `broken_rules(problem, plan)`, cached by the caller judging many joins on
    one plan (the validator then runs once for the plan, once per join that gets that far).
    """
    pinned = next(p for p in problem.pinned if p.id == pinned_id)
    room = problem.classrooms[problem.classroom_index()[classroom_id]]
    session = course_session(plan, pinned_id)
    members = session.classroom_ids if session else ()
    limit = seat_limit(problem, pinned, members, cap)
    verdict = Verdict(pinned_id, classroom_id, members, limit, ())
    if classroom_id in members:
        return dataclasses.replace(verdict, refusals=(Refusal.ALREADY,))
    refusals = _plain_refusals(problem, pinned, room, verdict, closed=closed)
    if session is None:
        refusals.append(Refusal.NOT_PLANNED)
    if not refusals and session is not None:
        before = broken() if broken is not None else broken_rules(problem, plan)
        refusals = _validator_refusals(problem, plan, session, classroom_id, before)
    return dataclasses.replace(verdict, refusals=tuple(dict.fromkeys(refusals)))


def _plain_refusals(
    problem: Problem, pinned: PinnedInfo, room: ClassroomInfo, verdict: Verdict, *, closed: bool
) -> list[Refusal]:
    slot = problem.slots[pinned.slot]
    school_days = {local_weekday(p[0], room.offset) for p in room.live}
    found = []
    if not pinned.open or not pinned.for_classes:
        found.append(Refusal.NOT_OPEN)
    if closed:
        found.append(Refusal.CLOSED)
    if room.grade not in pinned.grades:
        found.append(Refusal.GRADE)
    if local_weekday(slot[0], room.offset) not in school_days:
        found.append(Refusal.SCHOOL_DAY)
    elif not fits(slot, room.live, problem.options.overrun_minutes):
        found.append(Refusal.BELLS)
    if verdict.seats_left == 0:
        found.append(Refusal.FULL)
    elif room.capacity < len(verdict.members) + 1:
        found.append(Refusal.NETWORK)
    return found


def broken_rules(problem: Problem, plan: Plan) -> frozenset[Violation]:
    """The hard rules the plan breaks already (none for a stored plan, as a rule)."""
    return frozenset(validate_plan(problem, plan))


def _validator_refusals(
    problem: Problem,
    plan: Plan,
    session: Session,
    classroom_id: str,
    before: frozenset[Violation],
) -> list[Refusal]:
    """The hard rules the plan breaks only once the classroom is in the session."""
    joined = dataclasses.replace(session, classroom_ids=(*session.classroom_ids, classroom_id))
    after = dataclasses.replace(
        plan, sessions=tuple(joined if s is session else s for s in plan.sessions)
    )
    return [
        VALIDATOR_RULES.get(v.rule, Refusal.OTHER)
        for v in validate_plan(problem, after)
        if v not in before
    ]
