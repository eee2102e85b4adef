"""``build_problem``: a validated bundle turned into the solver's problem on one clock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from coordinator.domain import (
    BellPeriod,
    Bundle,
    BusyBlock,
    Classroom,
    NetworkTeacher,
    PinnedSession,
    School,
)
from coordinator.enums import CourseAudience, NetworkProfile
from coordinator.timetable.candidates import fitting_slots, free_slots, joins
from coordinator.timetable.clock import (
    DEFAULT_REFERENCE_DATE,
    local_weekday,
    overlaps,
    to_common,
    utc_offset_minutes,
)
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.problem import (
    ClassroomInfo,
    Interval,
    NeedInfo,
    PinnedInfo,
    Problem,
    ProblemError,
    TeacherInfo,
)

WEEKDAYS_IF_UNKNOWN = frozenset({1, 2, 3, 4, 5})


@dataclass(frozen=True, slots=True)
class Lookup:
    """The bundle's rows by id, read once."""

    schools: dict[str, School]
    offsets: dict[str, int]  # school id -> UTC offset, minutes
    periods: dict[str, list[BellPeriod]]  # bell schedule id -> periods
    busy: dict[str, list[BusyBlock]]  # teacher id -> busy blocks


def _lookup(bundle: Bundle, options: SolverOptions) -> Lookup:
    reference = options.reference_date or bundle.anchor_date or DEFAULT_REFERENCE_DATE
    periods: dict[str, list[BellPeriod]] = defaultdict(list)
    for period in bundle.bell_periods:
        periods[period.bell_schedule_id].append(period)
    busy: dict[str, list[BusyBlock]] = defaultdict(list)
    for block in bundle.busy_blocks:
        busy[block.teacher_id].append(block)
    zones = {s.time_zone for s in bundle.schools}
    zone_offsets = {z: utc_offset_minutes(z, reference) for z in zones}
    return Lookup(
        schools={s.id: s for s in bundle.schools},
        offsets={s.id: zone_offsets[s.time_zone] for s in bundle.schools},
        periods=periods,
        busy=busy,
    )


def build_problem(bundle: Bundle, options: SolverOptions) -> Problem:
    """Turn a validated bundle into the solver's problem (pure; raises ProblemError)."""
    lookup = _lookup(bundle, options)
    teachers = [_teacher(lookup, t) for t in bundle.network_teachers]
    classrooms = [_classroom(lookup, c, options) for c in bundle.classrooms]
    slots = sorted({p for c in classrooms for p in c.live})
    pinned = _pinned(bundle.pinned_sessions, teachers, slots, options)
    needs = _needs(bundle, classrooms)
    qualified = _qualified(needs, teachers, classrooms)
    affinity = _affinity(bundle)
    return Problem(
        options=options,
        teachers=tuple(teachers),
        classrooms=tuple(classrooms),
        needs=tuple(needs),
        slots=tuple(slots),
        pinned=tuple(pinned),
        qualified=qualified,
        nearby=_nearby_all(needs, qualified, teachers, classrooms, affinity),
        fits=tuple(fitting_slots(classrooms, slots, len(pinned), options)),
        free=tuple(free_slots(i, t, slots, pinned, options) for i, t in enumerate(teachers)),
        joins=tuple(joins(p, classrooms, slots, needs, options) for p in pinned),
        affinity=affinity,
        subject_names={s.id: (s.name_zh, s.name_en) for s in bundle.subjects},
        need_of={(n.classroom, n.subject_id): i for i, n in enumerate(needs)},
        names=names_of(bundle),
    )


def names_of(bundle: Bundle) -> dict[str, str]:
    """Teachers by name; classrooms by school and room name (e.g. 河西小学三年级（1）班)."""
    schools = {school.id: school.name for school in bundle.schools}
    names = {teacher.id: teacher.name for teacher in bundle.network_teachers}
    names.update(
        {room.id: f"{schools.get(room.school_id, '')}{room.name}" for room in bundle.classrooms}
    )
    return names


def _teacher(lookup: Lookup, teacher: NetworkTeacher) -> TeacherInfo:
    school = lookup.schools[teacher.school_id]
    offset = lookup.offsets[school.id]
    days = {p.weekday for p in lookup.periods.get(school.bell_schedule_id, [])}
    busy = tuple(
        sorted(
            (to_common(b.weekday, b.start, offset), to_common(b.weekday, b.end, offset))
            for b in lookup.busy.get(teacher.id, [])
        )
    )
    return TeacherInfo(
        id=teacher.id,
        school_id=school.id,
        region_id=school.region_id,
        offset=offset,
        subjects=frozenset(teacher.subjects),
        grades=frozenset(teacher.grades),
        max_per_day=teacher.max_per_day,
        max_per_week=teacher.max_per_week,
        open_days=frozenset(days) or WEEKDAYS_IF_UNKNOWN,
        busy=busy,
    )


def _classroom(lookup: Lookup, room: Classroom, options: SolverOptions) -> ClassroomInfo:
    school = lookup.schools[room.school_id]
    offset = lookup.offsets[school.id]
    live = tuple(
        sorted(
            (to_common(p.weekday, p.start, offset), to_common(p.weekday, p.end, offset))
            for p in lookup.periods.get(school.bell_schedule_id, [])
            if p.live
        )
    )
    return ClassroomInfo(
        id=room.id,
        school_id=school.id,
        region_id=school.region_id,
        grade=room.grade,
        band=grade_band(room.grade, options),
        assistant_id=room.assistant_id,
        capacity=network_capacity(room.network, options),
        offset=offset,
        live=live,
    )


def grade_band(grade: int, options: SolverOptions) -> int:
    """The index of the grade band a grade belongs to (a band of its own if none lists it)."""
    for index, band in enumerate(options.grade_bands):
        if grade in band:
            return index
    return len(options.grade_bands) + grade


def network_capacity(network: NetworkProfile, options: SolverOptions) -> int:
    """Most classrooms in a session that a classroom on this network may join."""
    limits = {
        NetworkProfile.GOOD: options.max_classrooms_per_session,
        NetworkProfile.WEAK: options.weak_network_max,
        NetworkProfile.AUDIO_ONLY: options.audio_only_max,
    }
    return min(options.max_classrooms_per_session, limits[network])


def _pinned(
    sessions: Iterable[PinnedSession],
    teachers: list[TeacherInfo],
    slots: list[Interval],
    options: SolverOptions,
) -> list[PinnedInfo]:
    """Append each pinned session's own time to the slots; check they can all happen."""
    index = {t.id: i for i, t in enumerate(teachers)}
    pinned: list[PinnedInfo] = []
    for session in sorted(sessions, key=lambda p: p.id):
        teacher = index[session.teacher_id]
        offset = teachers[teacher].offset
        slots.append(
            (
                to_common(session.weekday, session.start, offset),
                to_common(session.weekday, session.end, offset),
            )
        )
        pinned.append(
            PinnedInfo(
                id=session.id,
                teacher=teacher,
                subject_id=session.subject_id,
                slot=len(slots) - 1,
                grades=frozenset(session.grades),
                capacity=session.capacity,
                open=session.open,
                for_classes=session.audience == CourseAudience.CLASSES,
            )
        )
    _check_pinned(pinned, teachers, slots, options)
    return pinned


def _check_pinned(
    pinned: list[PinnedInfo],
    teachers: list[TeacherInfo],
    slots: list[Interval],
    options: SolverOptions,
) -> None:
    """Pinned sessions never move, so they must fit their teacher as they are."""
    by_teacher: dict[int, list[PinnedInfo]] = defaultdict(list)
    for p in pinned:
        by_teacher[p.teacher].append(p)
    del options  # pinned sessions only may not overlap: the admin chose any gap between them
    for t, sessions in by_teacher.items():
        teacher = teachers[t]
        days = [local_weekday(slots[p.slot][0], teacher.offset) for p in sessions]
        if len(sessions) > teacher.max_per_week or any(
            days.count(d) > teacher.max_per_day for d in days
        ):
            raise ProblemError(f"pinned sessions exceed teacher {teacher.id}'s maximum")
        for i, a in enumerate(sessions):
            _check_pinned_time(a, teacher, slots)
            for b in sessions[i + 1 :]:
                if overlaps(slots[a.slot], slots[b.slot]):
                    raise ProblemError(f"pinned sessions {a.id} and {b.id} overlap")


def _check_pinned_time(pinned: PinnedInfo, teacher: TeacherInfo, slots: list[Interval]) -> None:
    interval = slots[pinned.slot]
    if local_weekday(interval[0], teacher.offset) not in teacher.open_days or any(
        overlaps(interval, block) for block in teacher.busy
    ):
        raise ProblemError(
            f"pinned session {pinned.id} falls when teacher {teacher.id} is busy or away: "
            "move or cancel it first"
        )


def _needs(bundle: Bundle, classrooms: list[ClassroomInfo]) -> list[NeedInfo]:
    index = {c.id: i for i, c in enumerate(classrooms)}
    return [
        NeedInfo(
            classroom=index[n.classroom_id], subject_id=n.subject_id, periods=n.periods_per_week
        )
        for n in sorted(bundle.needs, key=lambda n: (n.classroom_id, n.subject_id))
        if n.classroom_id in index
    ]


def _qualified(
    needs: list[NeedInfo], teachers: list[TeacherInfo], classrooms: list[ClassroomInfo]
) -> tuple[tuple[int, ...], ...]:
    """Per need, the teachers of its subject and grade (one shared tuple per subject+grade)."""
    shared: dict[tuple[str, int], tuple[int, ...]] = {}
    for need in needs:
        key = (need.subject_id, classrooms[need.classroom].grade)
        if key not in shared:
            shared[key] = tuple(
                i for i, t in enumerate(teachers) if key[0] in t.subjects and key[1] in t.grades
            )
    return tuple(shared[(n.subject_id, classrooms[n.classroom].grade)] for n in needs)


def _nearby(
    need: NeedInfo,
    qualified: tuple[int, ...],
    teachers: list[TeacherInfo],
    classrooms: list[ClassroomInfo],
    affinity: dict[tuple[str, str], int],
) -> tuple[int, ...]:
    """Qualified teachers of the classroom's region or alliance (all qualified if none)."""
    room = classrooms[need.classroom]
    near = tuple(
        t
        for t in qualified
        if teachers[t].region_id == room.region_id
        or (teachers[t].school_id, room.school_id) in affinity
    )
    return near or qualified


def _nearby_all(
    needs: list[NeedInfo],
    qualified: tuple[tuple[int, ...], ...],
    teachers: list[TeacherInfo],
    classrooms: list[ClassroomInfo],
    affinity: dict[tuple[str, str], int],
) -> tuple[tuple[int, ...], ...]:
    """``_nearby`` for every need, from the qualified teachers of each region and each allied
    school (shared by the needs of one subject and grade) instead of a scan per need."""
    allies: dict[str, list[str]] = defaultdict(list)  # classroom school -> teacher schools
    for teacher_school, room_school in affinity:
        allies[room_school].append(teacher_school)
    by_school: dict[str, list[int]] = defaultdict(list)
    for i, info in enumerate(teachers):
        by_school[info.school_id].append(i)
    in_region: dict[tuple[int, str], tuple[int, ...]] = {}
    as_set: dict[int, frozenset[int]] = {}
    found: list[tuple[int, ...]] = []
    for need, pool in zip(needs, qualified, strict=True):
        room = classrooms[need.classroom]
        key = (id(pool), room.region_id)
        if key not in in_region:
            in_region[key] = tuple(t for t in pool if teachers[t].region_id == room.region_id)
        near = in_region[key]
        if room.school_id in allies:
            if id(pool) not in as_set:
                as_set[id(pool)] = frozenset(pool)
            members = as_set[id(pool)]
            allied = {t for s in allies[room.school_id] for t in by_school[s] if t in members}
            if allied - set(near):
                order = {t: i for i, t in enumerate(pool)}
                near = tuple(sorted(allied.union(near), key=order.__getitem__))
        found.append(near or pool)
    return tuple(found)


def _affinity(bundle: Bundle) -> dict[tuple[str, str], int]:
    """Weight of each (school, school) pair that shares a pairing or education group."""
    members: dict[str, dict[str, int]] = defaultdict(dict)
    for alliance in bundle.alliances:
        members[alliance.id][alliance.lead_school_id] = 1
    for member in bundle.alliance_members:
        members[member.alliance_id][member.school_id] = member.weight
    affinity: dict[tuple[str, str], int] = {}
    for schools in members.values():
        for a, wa in schools.items():
            for b, wb in schools.items():
                if a != b:
                    affinity[(a, b)] = max(affinity.get((a, b), 0), wa, wb)
    return affinity


__all__ = ["build_problem", "grade_band", "network_capacity"]
