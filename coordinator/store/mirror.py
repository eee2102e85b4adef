"""How each bundle file maps to its table and back: natural keys and column values.

The bundle dataclasses were named after the columns, so most rows are `asdict(item)`; the few
exceptions (a teacher's subject list, a calendar day's scope key) are spelled out here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from coordinator import domain, models
from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    CourseAudience,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)

Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Mirror:
    """One bundle file and the table that keeps it."""

    name: str
    table: type[models.Imported]
    key: tuple[str, ...]
    rows: Callable[[domain.Bundle], list[Row]]

    def key_of(self, row: Row) -> Key:
        return tuple(row[column] for column in self.key)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _as_rows(items: Iterable[Any], drop: Sequence[str] = ()) -> list[Row]:
    return [
        {
            field.name: _plain(getattr(item, field.name))
            for field in dataclasses.fields(item)
            if field.name not in drop
        }
        for item in items
    ]


def calendar_day_key(date: dt.date, region_id: str | None, school_id: str | None) -> str:
    return f"{date.isoformat()}|{region_id or ''}|{school_id or ''}"


def _calendar_days(bundle: domain.Bundle) -> list[Row]:
    rows = _as_rows(bundle.calendar_days)
    for row in rows:
        row["key"] = calendar_day_key(row["date"], row["region_id"], row["school_id"])
    return rows


def _teacher_subjects(bundle: domain.Bundle) -> list[Row]:
    return [
        {"teacher_id": teacher.id, "subject_id": subject_id, "position": position}
        for teacher in bundle.network_teachers
        for position, subject_id in enumerate(teacher.subjects)
    ]


def _field(name: str) -> Callable[[domain.Bundle], list[Row]]:
    return lambda bundle: _as_rows(getattr(bundle, name))


# Parents before children, so inserts satisfy foreign keys.
MIRRORS: tuple[Mirror, ...] = (
    Mirror("regions", models.RegionRow, ("id",), _field("regions")),
    Mirror("bell_schedules", models.BellScheduleRow, ("id",), _field("bell_schedules")),
    Mirror("subjects", models.SubjectRow, ("id",), _field("subjects")),
    Mirror("schools", models.SchoolRow, ("id",), _field("schools")),
    Mirror("alliances", models.AllianceRow, ("id",), _field("alliances")),
    Mirror(
        "alliance_members",
        models.AllianceMemberRow,
        ("alliance_id", "school_id"),
        _field("alliance_members"),
    ),
    Mirror(
        "bell_periods",
        models.BellPeriodRow,
        ("bell_schedule_id", "weekday", "period"),
        _field("bell_periods"),
    ),
    Mirror("terms", models.TermRow, ("id",), _field("terms")),
    Mirror("calendar_days", models.CalendarDayRow, ("key",), _calendar_days),
    Mirror("assistants", models.AssistantRow, ("id",), _field("assistants")),
    Mirror("classrooms", models.ClassroomRow, ("id",), _field("classrooms")),
    Mirror(
        "network_teachers",
        models.NetworkTeacherRow,
        ("id",),
        lambda bundle: _as_rows(bundle.network_teachers, drop=("subjects",)),
    ),
    Mirror(
        "teacher_subjects",
        models.TeacherSubjectRow,
        ("teacher_id", "subject_id"),
        _teacher_subjects,
    ),
    Mirror(
        "busy_blocks",
        models.BusyBlockRow,
        ("teacher_id", "weekday", "start"),
        _field("busy_blocks"),
    ),
    Mirror("needs", models.NeedRow, ("classroom_id", "subject_id"), _field("needs")),
    Mirror("pinned_sessions", models.PinnedSessionRow, ("id",), _field("pinned_sessions")),
    Mirror("events", models.EventRow, ("id",), _field("events")),
)

BOOKKEEPING = frozenset({"updated_at", "retired_at", "revision"})


def row_values(record: models.Imported) -> Row:
    """A stored record as a plain row, without the bookkeeping columns."""
    columns = record.__table__.columns  # type: ignore[attr-defined]
    return {
        column.name: _plain(getattr(record, column.name))
        for column in columns
        if column.name not in BOOKKEEPING
    }


def bundle_from_rows(
    rows: dict[str, list[Row]], *, name: str = "", anchor_date: dt.date | None = None
) -> domain.Bundle:
    """Rebuild a Bundle from the active rows of every mirrored table."""
    subjects_of: dict[str, list[tuple[int, str]]] = {}
    for link in rows["teacher_subjects"]:
        subjects_of.setdefault(link["teacher_id"], []).append(
            (link["position"], link["subject_id"])
        )

    def build(cls: type[Any], items: list[Row], **convert: Callable[[Any], Any]) -> tuple[Any, ...]:
        if not items:
            return ()
        fields = {field.name for field in dataclasses.fields(cls)}
        names = [name for name in items[0] if name in fields]  # every row has the same columns
        built = []
        for row in items:
            values = {name: row[name] for name in names}
            for column, function in convert.items():
                if values.get(column) is not None:
                    values[column] = function(values[column])
            built.append(cls(**values))
        return tuple(built)

    teachers = [
        {**row, "subjects": tuple(s for _, s in sorted(subjects_of.get(row["id"], [])))}
        for row in rows["network_teachers"]
    ]
    return domain.Bundle(
        name=name,
        anchor_date=anchor_date,
        regions=build(domain.Region, rows["regions"]),
        schools=build(domain.School, rows["schools"], kind=SchoolKind),
        alliances=build(domain.Alliance, rows["alliances"], kind=AllianceKind),
        alliance_members=build(domain.AllianceMember, rows["alliance_members"]),
        bell_schedules=build(domain.BellSchedule, rows["bell_schedules"]),
        bell_periods=build(domain.BellPeriod, rows["bell_periods"]),
        terms=build(domain.Term, rows["terms"]),
        calendar_days=build(domain.CalendarDay, rows["calendar_days"], kind=DayKind),
        subjects=build(domain.Subject, rows["subjects"]),
        assistants=build(domain.Assistant, rows["assistants"]),
        classrooms=build(domain.Classroom, rows["classrooms"], network=NetworkProfile),
        network_teachers=build(domain.NetworkTeacher, teachers, grades=tuple),
        busy_blocks=build(domain.BusyBlock, rows["busy_blocks"]),
        needs=build(domain.Need, rows["needs"]),
        pinned_sessions=build(
            domain.PinnedSession,
            rows["pinned_sessions"],
            grades=tuple,
            audience=CourseAudience,
        ),
        events=build(domain.Event, rows["events"], kind=EventKind, audience_kind=AudienceKind),
    )
