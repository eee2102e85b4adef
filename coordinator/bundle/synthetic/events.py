"""Events (a teacher away, a classroom closed) and pinned open courses."""

from __future__ import annotations

import datetime as dt
import random

from coordinator.bundle.synthetic.bells import bell_periods
from coordinator.bundle.synthetic.draft import Draft, teachers_of
from coordinator.bundle.synthetic.vocabulary import ANCHOR_DATE, BELL_SHAPES, SUBJECTS
from coordinator.domain import (
    BellPeriod,
    BusyBlock,
    Classroom,
    Event,
    NetworkTeacher,
    PinnedSession,
    Region,
    School,
)
from coordinator.enums import (
    AudienceKind,
    EventKind,
)


def draw_events(
    draft: Draft, region: Region, urban: list[School], classrooms: list[Classroom]
) -> None:
    """In the week of the anchor date: a training, a 教研 per alliance lead, a 家长课堂."""
    hosts = teachers_of(draft, urban)
    add_event(
        draft,
        EventKind.TRAINING,
        "网络主讲教师直播教学能力提升培训",
        AudienceKind.REGION,
        region.id,
        2,
        host_name=f"{region.name}教师发展中心",
    )
    for alliance in [a for a in draft.alliances if a.lead_school_id in {u.id for u in urban}][:3]:
        host = next((t.id for t in hosts if t.school_id == alliance.lead_school_id), None)
        add_event(
            draft,
            EventKind.RESEARCH,
            f"{alliance.name}联合教研",
            AudienceKind.ALLIANCE,
            alliance.id,
            1,
            host_teacher_id=host,
        )
    if classrooms:
        classroom = draft.rng.choice(classrooms)
        add_event(
            draft,
            EventKind.PARENT_CLASS,
            "家长课堂：如何陪孩子上好网络课",
            AudienceKind.CLASSROOM,
            classroom.id,
            3,
            evening=True,
        )


def add_event(
    draft: Draft,
    kind: EventKind,
    title: str,
    audience_kind: AudienceKind,
    audience_id: str,
    days_after_anchor: int,
    *,
    host_teacher_id: str | None = None,
    host_name: str = "",
    evening: bool = False,
) -> None:
    event_id = draft.new_id("e", 4)
    start, end = (19, 30), (20, 30)
    if not evening:
        start, end = (16, 40), (17, 40)
    draft.events.append(
        Event(
            event_id,
            kind,
            title,
            audience_kind,
            audience_id,
            ANCHOR_DATE + dt.timedelta(days=days_after_anchor),
            dt.time(*start),
            dt.time(*end),
            host_teacher_id,
            host_name,
            f"https://meeting.example.cn/j/{event_id}",
        )
    )


def draw_pinned_sessions(draft: Draft) -> None:
    """A few fixed sessions, half open 公益课堂 courses, in rural periods the teacher has free."""
    count = min(len(draft.teachers), 2 + len(draft.teachers) // 100)
    chosen = draft.rng.sample(draft.teachers, count)
    busy: dict[str, list[BusyBlock]] = {teacher.id: [] for teacher in chosen}
    for block in draft.busy:
        if block.teacher_id in busy:
            busy[block.teacher_id].append(block)
    for teacher in chosen:
        slot = free_rural_period(draft.rng, teacher, busy[teacher.id])
        if slot is not None:
            add_pinned_session(draft, teacher, slot)


def free_rural_period(
    rng: random.Random, teacher: NetworkTeacher, busy: list[BusyBlock]
) -> BellPeriod | None:
    shape = BELL_SHAPES["rural-middle" if teacher.grades[0] >= 7 else "rural-primary"]
    periods = [period for period in bell_periods(shape) if period.live]
    rng.shuffle(periods)
    return next(
        (
            p
            for p in periods
            if not any(b.weekday == p.weekday and b.start < p.end and p.start < b.end for b in busy)
        ),
        None,
    )


def add_pinned_session(draft: Draft, teacher: NetworkTeacher, period: BellPeriod) -> None:
    rng = draft.rng
    open_course = len(draft.pinned) % 2 == 0
    subject = next(s for s in SUBJECTS if s.id == teacher.subjects[0])
    first = rng.randrange(len(teacher.grades))
    grades = teacher.grades[first : first + rng.randint(1, 3)]
    note = f"美丽乡村网络公益课堂·{subject.name_zh}" if open_course else f"{subject.name_zh}联合课"
    draft.pinned.append(
        PinnedSession(
            draft.new_id("p", 4),
            teacher.id,
            subject.id,
            period.weekday,
            period.start,
            period.end,
            grades,
            rng.randint(2, 8) if open_course else rng.randint(2, 4),
            open_course,
            note,
        )
    )
