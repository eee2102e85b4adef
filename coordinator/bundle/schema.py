"""The bundle's files and columns as one declarative table (mirrors docs/data-format.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coordinator import domain
from coordinator.bundle import cells, contact_cells
from coordinator.bundle.cells import Cell
from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    CourseAudience,
    DayKind,
    EventKind,
    Language,
    NetworkProfile,
    PersonChannel,
    SchoolKind,
)

EXPANDED = "weekdays"  # a column that gives one object per weekday, in the field `weekday`


@dataclass(frozen=True, slots=True)
class MetaEntry:
    """One key-value line of meta.csv, interpreted later (see meta.py)."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (= the dataclass field), its parser, and the table its ids name."""

    name: str
    parse: Callable[[Cell], object]
    required: bool = True
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One file (or sheet) of the bundle: the class each line becomes and its columns."""

    name: str
    make: Callable[..., object]
    columns: tuple[Column, ...]
    required: bool = True
    unique: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def keys(self) -> tuple[tuple[str, ...], ...]:
        """Column sets whose values must be unique in the file; `id` always is."""
        return ((("id",),) if "id" in self.column_names else ()) + self.unique

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def optional(name: str, parse: Callable[[Cell], object], ref: str | None = None) -> Column:
    """An optional column: a blank cell takes the dataclass default."""
    return Column(name, parse, required=False, ref=ref)


def ref(name: str, table: str, parse: Callable[[Cell], object] = cells.identifier) -> Column:
    """A required column naming ids of `table`."""
    return Column(name, parse, ref=table)


ID = Column("id", cells.identifier)
# How a teacher or an assistant is reached one to one (all optional: older bundles read as is).
CONTACT_COLUMNS = (
    optional("wecom_userid", contact_cells.account),
    optional("dingtalk_userid", contact_cells.account),
    optional("preferred_channel", cells.choice(PersonChannel)),
    optional("quiet_hours", contact_cells.quiet_hours),
    optional("language", cells.choice(Language)),
)
NAME = Column("name", cells.name)
START = Column("start", cells.clock)
END = Column("end", cells.clock)

META = FileSpec(
    "meta",
    MetaEntry,
    (Column("key", cells.free_text), Column("value", cells.free_text)),
    required=False,
    unique=(("key",),),
)

FILES: tuple[FileSpec, ...] = (
    FileSpec("regions", domain.Region, (ID, NAME)),
    FileSpec(
        "schools",
        domain.School,
        (
            ID,
            NAME,
            Column("kind", cells.choice(SchoolKind)),
            ref("region_id", "regions"),
            ref("bell_schedule_id", "bell_schedules"),
            optional("time_zone", cells.time_zone),
        ),
    ),
    FileSpec(
        "alliances",
        domain.Alliance,
        (ID, NAME, Column("kind", cells.choice(AllianceKind)), ref("lead_school_id", "schools")),
        required=False,
    ),
    FileSpec(
        "alliance_members",
        domain.AllianceMember,
        (
            ref("alliance_id", "alliances"),
            ref("school_id", "schools"),
            optional("weight", cells.positive),
        ),
        required=False,
        unique=(("alliance_id", "school_id"),),
    ),
    FileSpec("bell_schedules", domain.BellSchedule, (ID, NAME)),
    FileSpec(
        "bell_periods",
        domain.BellPeriod,
        (
            ref("bell_schedule_id", "bell_schedules"),
            Column(EXPANDED, cells.weekdays),
            Column("period", cells.positive),
            START,
            END,
            optional("live", cells.yes_no),
        ),
    ),
    FileSpec(
        "terms",
        domain.Term,
        (
            ID,
            NAME,
            Column("start", cells.date),
            Column("end", cells.date),
            optional("region_id", cells.identifier, ref="regions"),
        ),
    ),
    FileSpec(
        "calendar_days",
        domain.CalendarDay,
        (
            Column("date", cells.date),
            Column("kind", cells.choice(DayKind)),
            optional("follows_weekday", cells.weekday),
            optional("region_id", cells.identifier, ref="regions"),
            optional("school_id", cells.identifier, ref="schools"),
            optional("name", cells.name),
        ),
        required=False,
        unique=(("date", "region_id", "school_id"),),
    ),
    FileSpec(
        "subjects",
        domain.Subject,
        (ID, Column("name_zh", cells.name), Column("name_en", cells.name)),
    ),
    FileSpec(
        "assistants",
        domain.Assistant,
        (
            ID,
            ref("school_id", "schools"),
            NAME,
            optional("phone", cells.phone),
            optional("email", cells.email),
            *CONTACT_COLUMNS,
        ),
    ),
    FileSpec(
        "classrooms",
        domain.Classroom,
        (
            ID,
            ref("school_id", "schools"),
            NAME,
            Column("grade", cells.grade),
            Column("students", cells.non_negative),
            ref("assistant_id", "assistants"),
            optional("network", cells.choice(NetworkProfile)),
        ),
    ),
    FileSpec(
        "network_teachers",
        domain.NetworkTeacher,
        (
            ID,
            ref("school_id", "schools"),
            NAME,
            ref("subjects", "subjects", cells.identifiers),
            Column("grades", cells.grades),
            Column("max_per_day", cells.positive),
            Column("max_per_week", cells.positive),
            optional("phone", cells.phone),
            optional("email", cells.email),
            *CONTACT_COLUMNS,
        ),
    ),
    FileSpec(
        "busy_blocks",
        domain.BusyBlock,
        (
            ref("teacher_id", "network_teachers"),
            Column(EXPANDED, cells.weekdays),
            START,
            END,
            optional("note", cells.free_text),
        ),
        required=False,
    ),
    FileSpec(
        "needs",
        domain.Need,
        (
            ref("classroom_id", "classrooms"),
            ref("subject_id", "subjects"),
            Column("periods_per_week", cells.positive),
        ),
        unique=(("classroom_id", "subject_id"),),
    ),
    FileSpec(
        "pinned_sessions",
        domain.PinnedSession,
        (
            ID,
            ref("teacher_id", "network_teachers"),
            ref("subject_id", "subjects"),
            Column("weekday", cells.weekday),
            START,
            END,
            Column("grades", cells.grades),
            Column("capacity", cells.positive),
            optional("open", cells.yes_no),
            optional("note", cells.free_text),
            optional("audience", cells.choice(CourseAudience)),
        ),
        required=False,
    ),
    FileSpec(
        "events",
        domain.Event,
        (
            ID,
            Column("kind", cells.choice(EventKind)),
            Column("title", cells.title),
            Column("audience_kind", cells.choice(AudienceKind)),
            Column("audience_id", cells.identifier),
            Column("date", cells.date),
            START,
            END,
            optional("host_teacher_id", cells.identifier, ref="network_teachers"),
            optional("host_name", cells.name),
            optional("link", cells.link),
            optional("time_zone", cells.time_zone),
        ),
        required=False,
    ),
)

ALL_FILES: tuple[FileSpec, ...] = (META, *FILES)
