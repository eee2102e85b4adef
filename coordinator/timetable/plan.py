"""The plan: live sessions in the teacher's local time, unmet needs with reasons, summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coordinator.timetable.clock import to_local
from coordinator.timetable.problem import Problem

# Statuses a plan can carry.
OPTIMAL = "OPTIMAL"  # proven best for the objective
FEASIBLE = "FEASIBLE"  # valid, not proven best
GREEDY = "GREEDY"  # the greedy construction alone


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a need is not (fully) met: a code with parameters, and words in two languages."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    text_en: str = ""
    text_zh: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    """One live broadcast: a teacher, a subject, a local weekday and clock times, classrooms."""

    id: str
    teacher_id: str
    subject_id: str
    weekday: int  # ISO, in the teacher's zone
    start: dt.time  # teacher's zone
    end: dt.time
    classroom_ids: tuple[str, ...]
    pinned_id: str | None = None


@dataclass(frozen=True, slots=True)
class Unmet:
    classroom_id: str
    subject_id: str
    periods: int  # periods a week not delivered
    reason: Reason


@dataclass(frozen=True, slots=True)
class PlanStats:
    demand_periods: int = 0
    delivered_periods: int = 0
    upper_bound_periods: int = 0
    continuity: float = 1.0  # share of served classroom x subject pairs with exactly one teacher
    same_day_duplicates: int = 0  # extra periods of one subject on one day for one classroom
    load_spread: int = 0  # busiest minus idlest qualified teacher, sessions a week
    sessions: int = 0
    wall_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Plan:
    status: str
    sessions: tuple[Session, ...]
    unmet: tuple[Unmet, ...] = ()
    stats: PlanStats = field(default_factory=PlanStats)


@dataclass(frozen=True, slots=True)
class Draft:
    """A session as the solver holds it: indices into the problem."""

    teacher: int
    subject_id: str
    slot: int
    classrooms: tuple[int, ...]
    pinned_id: str | None = None


def session_of(problem: Problem, draft: Draft) -> Session:
    """A draft in the teacher's local weekday and clock times, with a stable id."""
    teacher = problem.teachers[draft.teacher]
    start, end = problem.slots[draft.slot]
    weekday, start_clock = to_local(start, teacher.offset)
    _, end_clock = to_local(end, teacher.offset)
    session_id = draft.pinned_id or (
        f"{teacher.id}.{draft.subject_id}.{weekday}.{start_clock:%H%M}"
    )
    return Session(
        id=session_id,
        teacher_id=teacher.id,
        subject_id=draft.subject_id,
        weekday=weekday,
        start=start_clock,
        end=end_clock,
        classroom_ids=tuple(sorted(problem.classrooms[c].id for c in draft.classrooms)),
        pinned_id=draft.pinned_id,
    )


def sessions_of(problem: Problem, drafts: list[Draft]) -> tuple[Session, ...]:
    """Drafts as sessions, sorted by teacher, weekday and start; empty regular ones dropped."""
    kept = [d for d in drafts if d.classrooms or d.pinned_id]
    sessions = [session_of(problem, d) for d in kept]
    return tuple(sorted(sessions, key=lambda s: (s.teacher_id, s.weekday, s.start, s.id)))


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as the CLI's ``--json`` object."""
    stats = plan.stats
    return {
        "status": plan.status,
        "demand_periods": stats.demand_periods,
        "delivered_periods": stats.delivered_periods,
        "upper_bound_periods": stats.upper_bound_periods,
        "wall_seconds": round(stats.wall_seconds, 3),
        "continuity": round(stats.continuity, 4),
        "same_day_duplicates": stats.same_day_duplicates,
        "load_spread": stats.load_spread,
        "sessions": [_session_json(s) for s in plan.sessions],
        "unmet": [_unmet_json(u) for u in plan.unmet],
    }


def _session_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "teacher_id": session.teacher_id,
        "subject": session.subject_id,
        "weekday": session.weekday,
        "start": f"{session.start:%H:%M}",
        "end": f"{session.end:%H:%M}",
        "classroom_ids": list(session.classroom_ids),
        "pinned": session.pinned_id is not None,
    }


def _unmet_json(unmet: Unmet) -> dict[str, Any]:
    return {
        "classroom_id": unmet.classroom_id,
        "subject": unmet.subject_id,
        "periods": unmet.periods,
        "reason": unmet.reason.code,
        "reason_params": unmet.reason.params,
        "reason_en": unmet.reason.text_en,
        "reason_zh": unmet.reason.text_zh,
    }
