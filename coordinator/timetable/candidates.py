"""Candidate times: which slots fit a classroom's live periods, and when a teacher is free."""

from __future__ import annotations

import bisect

from coordinator.timetable.clock import local_weekday, overlaps
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.problem import ClassroomInfo, Interval, NeedInfo, PinnedInfo, TeacherInfo


def free_slots(
    index: int,
    teacher: TeacherInfo,
    slots: list[Interval],
    pinned: list[PinnedInfo],
    options: SolverOptions,
) -> frozenset[int]:
    """Regular slots on the teacher's open days, clear of busy blocks and pinned sessions.

    Regular slots are sorted by start, so each block is tested only against the slots that
    start near it (a province: 2,000 teachers' timetables against every slot otherwise).
    """
    gap = options.teacher_buffer_minutes
    taken = list(teacher.busy) + [slots[p.slot] for p in pinned if p.teacher == index]
    regular = slots[: len(slots) - len(pinned)]
    starts = [s[0] for s in regular]
    longest = max((end - start for start, end in regular), default=0)
    blocked: set[int] = set()
    for block in taken:
        lo = bisect.bisect_left(starts, block[0] - gap - longest)
        hi = bisect.bisect_left(starts, block[1] + gap)
        blocked.update(s for s in range(lo, hi) if overlaps(regular[s], block, gap))
    return frozenset(
        s
        for s in range(len(regular))
        if s not in blocked and local_weekday(regular[s][0], teacher.offset) in teacher.open_days
    )


def fits(slot: Interval, live: tuple[Interval, ...], overrun: int) -> bool:
    """Whether a session lies inside one live period, allowing the overrun at its end."""
    return any(p[0] <= slot[0] < p[1] and slot[1] <= p[1] + overrun for p in live)


def fitting_slots(
    classrooms: list[ClassroomInfo], slots: list[Interval], pinned: int, options: SolverOptions
) -> list[tuple[int, ...]]:
    """Per classroom, the regular slots that fit one of its live periods."""
    regular = slots[: len(slots) - pinned]
    starts = [s[0] for s in regular]
    cache: dict[tuple[Interval, ...], tuple[int, ...]] = {}
    for room in classrooms:
        if room.live not in cache:
            found: list[int] = []
            for period in room.live:
                lo = bisect.bisect_left(starts, period[0])
                hi = bisect.bisect_left(starts, period[1])
                found.extend(
                    s for s in range(lo, hi) if regular[s][1] <= period[1] + options.overrun_minutes
                )
            cache[room.live] = tuple(sorted(set(found)))
    return [cache[room.live] for room in classrooms]


def joins(
    pinned: PinnedInfo,
    classrooms: list[ClassroomInfo],
    slots: list[Interval],
    needs: list[NeedInfo],
    options: SolverOptions,
) -> tuple[int, ...]:
    """Classrooms that may join a pinned session: grade, time, and a need unless it is open.

    None for a session of teachers or parents (teacher training, a parent class)."""
    if not pinned.for_classes:
        return ()
    needing = {n.classroom for n in needs if n.subject_id == pinned.subject_id}
    return tuple(
        i
        for i, c in enumerate(classrooms)
        if c.grade in pinned.grades
        and (pinned.open or i in needing)
        and fits(slots[pinned.slot], c.live, options.overrun_minutes)
    )
