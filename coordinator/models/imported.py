"""Tables that mirror the data bundle's files; a re-import retires rows, never deletes them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)
from coordinator.models.columns import enum_column, json_list, utc_column


class Imported(SQLModel):
    """Columns every imported table shares."""

    updated_at: dt.datetime | None = utc_column()
    retired_at: dt.datetime | None = utc_column()


class RegionRow(Imported, table=True):
    __tablename__ = "region"
    id: str = Field(primary_key=True)
    name: str


class BellScheduleRow(Imported, table=True):
    __tablename__ = "bell_schedule"
    id: str = Field(primary_key=True)
    name: str


class SchoolRow(Imported, table=True):
    __tablename__ = "school"
    id: str = Field(primary_key=True)
    name: str
    kind: SchoolKind = enum_column()
    region_id: str = Field(foreign_key="region.id", index=True)
    bell_schedule_id: str = Field(foreign_key="bell_schedule.id")
    time_zone: str


class AllianceRow(Imported, table=True):
    __tablename__ = "alliance"
    id: str = Field(primary_key=True)
    name: str
    kind: AllianceKind = enum_column()
    lead_school_id: str = Field(foreign_key="school.id")


class AllianceMemberRow(Imported, table=True):
    __tablename__ = "alliance_member"
    alliance_id: str = Field(foreign_key="alliance.id", primary_key=True)
    school_id: str = Field(foreign_key="school.id", primary_key=True)
    weight: int


class BellPeriodRow(Imported, table=True):
    __tablename__ = "bell_period"
    bell_schedule_id: str = Field(foreign_key="bell_schedule.id", primary_key=True)
    weekday: int = Field(primary_key=True)
    period: int = Field(primary_key=True)
    start: dt.time
    end: dt.time
    live: bool


class TermRow(Imported, table=True):
    __tablename__ = "term"
    id: str = Field(primary_key=True)
    name: str
    start: dt.date
    end: dt.date
    region_id: str | None = Field(default=None, foreign_key="region.id")


class CalendarDayRow(Imported, table=True):
    """A special date; `key` is date|region|school, as one date has one meaning per scope."""

    __tablename__ = "calendar_day"
    key: str = Field(primary_key=True)
    date: dt.date = Field(index=True)
    kind: DayKind = enum_column()
    name: str
    follows_weekday: int | None = None
    region_id: str | None = Field(default=None, foreign_key="region.id")
    school_id: str | None = Field(default=None, foreign_key="school.id")


class SubjectRow(Imported, table=True):
    __tablename__ = "subject"
    id: str = Field(primary_key=True)
    name_zh: str
    name_en: str


class AssistantRow(Imported, table=True):
    __tablename__ = "assistant"
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    name: str
    phone: str
    email: str
    wecom_userid: str = ""
    dingtalk_userid: str = ""
    preferred_channel: str = Field(default="", sa_type=String(16))
    quiet_hours: str = Field(default="", sa_type=String(16))
    language: str = Field(default="", sa_type=String(8))


class ClassroomRow(Imported, table=True):
    __tablename__ = "classroom"
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    name: str
    grade: int
    students: int
    assistant_id: str = Field(foreign_key="assistant.id", index=True)
    network: NetworkProfile = enum_column()


class NetworkTeacherRow(Imported, table=True):
    __tablename__ = "network_teacher"
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    name: str
    grades: list[int] = json_list()
    max_per_day: int
    max_per_week: int
    phone: str
    email: str
    wecom_userid: str = ""
    dingtalk_userid: str = ""
    preferred_channel: str = Field(default="", sa_type=String(16))
    quiet_hours: str = Field(default="", sa_type=String(16))
    language: str = Field(default="", sa_type=String(8))


class TeacherSubjectRow(Imported, table=True):
    __tablename__ = "teacher_subject"
    teacher_id: str = Field(foreign_key="network_teacher.id", primary_key=True)
    subject_id: str = Field(foreign_key="subject.id", primary_key=True)
    position: int  # the order the bundle listed them in


class BusyBlockRow(Imported, table=True):
    __tablename__ = "busy_block"
    teacher_id: str = Field(foreign_key="network_teacher.id", primary_key=True)
    weekday: int = Field(primary_key=True)
    start: dt.time = Field(primary_key=True)
    end: dt.time
    note: str


class NeedRow(Imported, table=True):
    __tablename__ = "need"
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True)
    subject_id: str = Field(foreign_key="subject.id", primary_key=True)
    periods_per_week: int


class PinnedSessionRow(Imported, table=True):
    __tablename__ = "pinned_session"
    id: str = Field(primary_key=True)
    teacher_id: str = Field(foreign_key="network_teacher.id")
    subject_id: str = Field(foreign_key="subject.id")
    weekday: int
    start: dt.time
    end: dt.time
    grades: list[int] = json_list()
    capacity: int
    open: bool
    note: str
    # classes | teachers | parents: who takes it (enums.CourseAudience)
    audience: str = Field(
        default="classes", sa_type=String(16), sa_column_kwargs={"server_default": "classes"}
    )


class EventRow(Imported, table=True):
    """A training, 教研 or parent class; `revision` counts its imported changes (SEQUENCE)."""

    __tablename__ = "event"
    id: str = Field(primary_key=True)
    kind: EventKind = enum_column()
    title: str
    audience_kind: AudienceKind = enum_column()
    audience_id: str
    date: dt.date
    start: dt.time
    end: dt.time
    host_teacher_id: str | None = Field(default=None, foreign_key="network_teacher.id")
    host_name: str
    link: str
    time_zone: str
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
