"""The domain as schools describe it: what a validated data bundle holds.

Plain frozen dataclasses, no I/O. The bundle reader builds them, the store persists them,
the solver and the calendar read them. Weekdays are ISO numbers (1 = Monday ... 7 = Sunday);
clock times are local to the school that owns them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    CourseAudience,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class School:
    id: str
    name: str
    kind: SchoolKind
    region_id: str
    bell_schedule_id: str
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True, slots=True)
class Alliance:
    """A pairing (结对帮扶), an education group (集团化办学) or a trusteeship (托管帮扶)."""

    id: str
    name: str
    kind: AllianceKind
    lead_school_id: str


@dataclass(frozen=True, slots=True)
class AllianceMember:
    alliance_id: str
    school_id: str
    weight: int = 1


@dataclass(frozen=True, slots=True)
class BellSchedule:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class BellPeriod:
    """One numbered period of a bell schedule on one weekday."""

    bell_schedule_id: str
    weekday: int
    period: int
    start: dt.time
    end: dt.time
    live: bool = True  # open to live lessons


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    name: str
    start: dt.date
    end: dt.date
    region_id: str | None = None  # None: every region


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A date that differs from the ordinary week, for everyone, a region or one school."""

    date: dt.date
    kind: DayKind
    name: str = ""
    follows_weekday: int | None = None  # makeup days only: the weekday whose timetable runs
    region_id: str | None = None
    school_id: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Assistant:
    """A rural assistant teacher (助教) who runs one or more classrooms."""

    id: str
    school_id: str
    name: str
    phone: str = ""
    email: str = ""
    wecom_userid: str = ""  # 企业微信 账号
    dingtalk_userid: str = ""  # 钉钉 userid
    preferred_channel: str = ""  # wecom | dingtalk | sms | email; empty: the settings' order
    quiet_hours: str = ""  # "22:00-07:00": no messages then but alerts
    language: str = ""  # zh | en: the language of their messages; empty: the settings'


@dataclass(frozen=True, slots=True)
class Classroom:
    id: str
    school_id: str
    name: str
    grade: int
    students: int
    assistant_id: str
    network: NetworkProfile = NetworkProfile.GOOD


@dataclass(frozen=True, slots=True)
class NetworkTeacher:
    """An urban teacher (主讲教师) who teaches live lessons to rural classrooms."""

    id: str
    school_id: str
    name: str
    subjects: tuple[str, ...]
    grades: tuple[int, ...]
    max_per_day: int
    max_per_week: int
    phone: str = ""
    email: str = ""
    wecom_userid: str = ""  # 企业微信 账号
    dingtalk_userid: str = ""  # 钉钉 userid
    preferred_channel: str = ""  # wecom | dingtalk | sms | email; empty: the settings' order
    quiet_hours: str = ""  # "22:00-07:00": no messages then but alerts
    language: str = ""  # zh | en: the language of their messages; empty: the settings'


@dataclass(frozen=True, slots=True)
class BusyBlock:
    """A time the network teacher is taken by their own school's timetable."""

    teacher_id: str
    weekday: int
    start: dt.time
    end: dt.time
    note: str = ""


@dataclass(frozen=True, slots=True)
class Need:
    """Periods per week of a subject that a classroom cannot staff locally."""

    classroom_id: str
    subject_id: str
    periods_per_week: int


@dataclass(frozen=True, slots=True)
class PinnedSession:
    """A live session an admin fixed in advance, e.g. an open 公益课堂 course."""

    id: str
    teacher_id: str
    subject_id: str
    weekday: int
    start: dt.time
    end: dt.time
    grades: tuple[int, ...]
    capacity: int
    open: bool = False  # any fitting classroom may join, not only those with a need
    note: str = ""
    audience: CourseAudience = CourseAudience.CLASSES  # teachers, parents: not a class lesson


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event that is not a classroom lesson: training, 教研, a parent class."""

    id: str
    kind: EventKind
    title: str
    audience_kind: AudienceKind
    audience_id: str
    date: dt.date
    start: dt.time
    end: dt.time
    host_teacher_id: str | None = None
    host_name: str = ""
    link: str = ""
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything one data bundle says, validated."""

    name: str = ""
    anchor_date: dt.date | None = None  # the date the bundle's author thought of as "today"
    regions: tuple[Region, ...] = ()
    schools: tuple[School, ...] = ()
    alliances: tuple[Alliance, ...] = ()
    alliance_members: tuple[AllianceMember, ...] = ()
    bell_schedules: tuple[BellSchedule, ...] = ()
    bell_periods: tuple[BellPeriod, ...] = ()
    terms: tuple[Term, ...] = ()
    calendar_days: tuple[CalendarDay, ...] = ()
    subjects: tuple[Subject, ...] = ()
    assistants: tuple[Assistant, ...] = ()
    classrooms: tuple[Classroom, ...] = ()
    network_teachers: tuple[NetworkTeacher, ...] = ()
    busy_blocks: tuple[BusyBlock, ...] = ()
    needs: tuple[Need, ...] = ()
    pinned_sessions: tuple[PinnedSession, ...] = ()
    events: tuple[Event, ...] = ()
    source: str = field(default="", compare=False)  # the path it was read from
