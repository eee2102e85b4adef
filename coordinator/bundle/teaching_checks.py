"""Checks on who teaches whom: teachers, classrooms, needs, pinned sessions and events."""

from __future__ import annotations

from collections import defaultdict

from coordinator.bundle.cells import format_clock, format_numbers
from coordinator.bundle.keys import unknown_id
from coordinator.bundle.parsed import Parsed
from coordinator.bundle.problems import Problem, error, warning
from coordinator.bundle.time_checks import overlap
from coordinator.domain import (
    Assistant,
    BellPeriod,
    BusyBlock,
    Classroom,
    Event,
    Need,
    NetworkTeacher,
    PinnedSession,
    School,
)
from coordinator.enums import AudienceKind, SchoolKind

AUDIENCE_FILES = {
    AudienceKind.SCHOOL: "schools",
    AudienceKind.ALLIANCE: "alliances",
    AudienceKind.REGION: "regions",
    AudienceKind.CLASSROOM: "classrooms",
}


def check_teaching(parsed: Parsed, problems: list[Problem]) -> None:
    """Every rule about teachers, classrooms, needs, pinned sessions and events."""
    check_school_kinds(parsed, problems)
    check_assistants(parsed, problems)
    check_needs_taught(parsed, problems)
    check_needs_fit(parsed, problems)
    check_pinned_sessions(parsed, problems)
    check_event_audiences(parsed, problems)


def check_school_kinds(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about a network teacher at a rural school or a receiving classroom at an urban one."""
    schools = parsed.by_id("schools", School)
    for line, teacher in parsed.objects("network_teachers", NetworkTeacher):
        school = schools.get(teacher.school_id)
        if school and school.kind is not SchoolKind.URBAN:
            message = f"home school {school.id!r} is {school.kind}, not urban"
            problems.append(warning(parsed.file("network_teachers"), line, "school_id", message))
    for line, classroom in parsed.objects("classrooms", Classroom):
        school = schools.get(classroom.school_id)
        if school and school.kind is SchoolKind.URBAN:
            message = f"school {school.id!r} is urban; receiving classrooms are in rural schools"
            problems.append(warning(parsed.file("classrooms"), line, "school_id", message))


def check_assistants(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about a classroom whose assistant works at another school."""
    assistants = parsed.by_id("assistants", Assistant)
    for line, classroom in parsed.objects("classrooms", Classroom):
        assistant = assistants.get(classroom.assistant_id)
        if assistant and assistant.school_id != classroom.school_id:
            message = (
                f"assistant {assistant.id!r} works at {assistant.school_id!r}, "
                f"not at {classroom.school_id!r}"
            )
            problems.append(warning(parsed.file("classrooms"), line, "assistant_id", message))


def check_needs_taught(parsed: Parsed, problems: list[Problem]) -> None:
    """Some network teacher teaches each needed subject to the classroom's grade."""
    if "network_teachers" in parsed.broken or not parsed.complete("network_teachers"):
        return
    grades_of: dict[str, set[int]] = defaultdict(set)  # subject -> grades someone teaches
    for _, teacher in parsed.objects("network_teachers", NetworkTeacher):
        for subject in teacher.subjects:
            grades_of[subject].update(teacher.grades)
    classrooms = parsed.by_id("classrooms", Classroom)
    for line, need in parsed.objects("needs", Need):
        classroom = classrooms.get(need.classroom_id)
        if need.subject_id not in grades_of:
            message = f"no network teacher teaches {need.subject_id!r}"
            problems.append(error(parsed.file("needs"), line, "subject_id", message))
        elif classroom and classroom.grade not in grades_of[need.subject_id]:
            message = f"no network teacher of {need.subject_id!r} teaches grade {classroom.grade}"
            problems.append(error(parsed.file("needs"), line, "subject_id", message))


def check_needs_fit(parsed: Parsed, problems: list[Problem]) -> None:
    """A need fits in the live periods the classroom's school opens in a week."""
    if "bell_periods" in parsed.broken or not parsed.complete("bell_periods"):
        return
    live: dict[str, int] = defaultdict(int)
    for _, period in parsed.objects("bell_periods", BellPeriod):
        live[period.bell_schedule_id] += int(period.live)
    schools = parsed.by_id("schools", School)
    classrooms = parsed.by_id("classrooms", Classroom)
    totals: dict[str, int] = defaultdict(int)
    file = parsed.file("needs")
    for line, need in parsed.objects("needs", Need):
        classroom = classrooms.get(need.classroom_id)
        school = schools.get(classroom.school_id) if classroom else None
        if school is None:
            continue
        weekly = live[school.bell_schedule_id]
        before = totals[need.classroom_id]
        totals[need.classroom_id] += need.periods_per_week
        if need.periods_per_week > weekly:
            message = (
                f"{need.periods_per_week} periods a week, but school {school.id!r} "
                f"opens only {weekly} live periods a week"
            )
            problems.append(error(file, line, "periods_per_week", message))
        elif before <= weekly < totals[need.classroom_id]:
            message = (
                f"the needs of classroom {need.classroom_id!r} add up to "
                f"{totals[need.classroom_id]} periods a week, more than the {weekly} live "
                f"periods school {school.id!r} opens"
            )
            problems.append(warning(file, line, "periods_per_week", message))


def check_pinned_sessions(parsed: Parsed, problems: list[Problem]) -> None:
    """A pinned session's teacher teaches its subject and grades and is free at that time."""
    teachers = parsed.by_id("network_teachers", NetworkTeacher)
    blocks = parsed.objects("busy_blocks", BusyBlock)
    file = parsed.file("pinned_sessions")
    for line, session in parsed.objects("pinned_sessions", PinnedSession):
        teacher = teachers.get(session.teacher_id)
        if teacher is None:
            continue
        if session.subject_id not in teacher.subjects:
            message = f"teacher {teacher.id!r} does not teach {session.subject_id!r}"
            problems.append(error(file, line, "subject_id", message))
        missing = tuple(grade for grade in session.grades if grade not in teacher.grades)
        if missing:
            plural = "s" if len(missing) > 1 else ""
            message = (
                f"teacher {teacher.id!r} does not teach grade{plural} {format_numbers(missing)}"
            )
            problems.append(error(file, line, "grades", message))
        for block_line, block in blocks:
            same_time = block.weekday == session.weekday and overlap(
                session.start, session.end, block.start, block.end
            )
            if block.teacher_id == teacher.id and same_time:
                message = (
                    f"falls in a busy block of teacher {teacher.id!r} "
                    f"({format_clock(block.start)}–{format_clock(block.end)}, "
                    f"{parsed.file('busy_blocks')} line {block_line})"
                )
                problems.append(error(file, line, "start", message))


def check_event_audiences(parsed: Parsed, problems: list[Problem]) -> None:
    """An event's audience id names a line of the file its audience kind points to."""
    for line, event in parsed.objects("events", Event):
        target = AUDIENCE_FILES[event.audience_kind]
        known = parsed.ids(target)
        if known is not None and event.audience_id not in known:
            message = unknown_id(event.audience_id, parsed.file(target), known)
            problems.append(error(parsed.file("events"), line, "audience_id", message))
