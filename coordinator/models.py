"""Database tables (sqlmodel). Imported rows are never deleted, only retired.

Every table that mirrors a bundle file carries `retired_at`: a re-import that no longer lists a
row retires it, so past lessons and attendance keep pointing at something real. Timestamps are
stored as UTC and come back UTC-aware on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC; refuses naive datetimes so no local time sneaks in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: coordinator stores UTC-aware times only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_column(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def enum_column() -> Any:
    """Enums are stored as their plain string values: readable, and no native enum types."""
    return Field(sa_type=String(32))


def json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


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


class ImportRunRow(SQLModel, table=True):
    """One import of a bundle: when, from where, and what it changed."""

    __tablename__ = "import_run"
    id: int | None = Field(default=None, primary_key=True)
    imported_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    source: str
    bundle_name: str
    anchor_date: dt.date | None = None
    shift_days: int = 0
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class TimetableVersionRow(SQLModel, table=True):
    """One weekly plan as solved or rebalanced; exactly one version is active at a time."""

    __tablename__ = "timetable_version"
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    kind: str = Field(sa_type=String(16))  # solve | rebalance
    parent_id: int | None = Field(default=None, foreign_key="timetable_version.id")
    status: str = Field(sa_type=String(16))  # OPTIMAL | FEASIBLE | GREEDY
    active: bool = Field(default=False, index=True)
    seed: int
    time_limit_s: float
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = ""
    # A temporary version (a teacher sick for a week) holds only for these dates; the active
    # version holds everywhere else.
    applies_from: dt.date | None = None
    applies_to: dt.date | None = None


class PlannedSessionRow(SQLModel, table=True):
    """A live session of one timetable version, in the teacher's local clock."""

    __tablename__ = "planned_session"
    version_id: int = Field(foreign_key="timetable_version.id", primary_key=True)
    session_id: str = Field(primary_key=True)
    # The key its dated lessons carry: inherited from the session it replaces, so a moved or
    # re-assigned session keeps its lessons' identity in every calendar.
    lesson_key: str = Field(default="", index=True)
    teacher_id: str = Field(foreign_key="network_teacher.id", index=True)
    subject_id: str = Field(foreign_key="subject.id")
    weekday: int
    start: dt.time
    end: dt.time
    pinned_id: str | None = None


class PlannedSessionClassroomRow(SQLModel, table=True):
    __tablename__ = "planned_session_classroom"
    version_id: int = Field(foreign_key="timetable_version.id", primary_key=True)
    session_id: str = Field(primary_key=True)
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True)


class UnmetNeedRow(SQLModel, table=True):
    """A need a timetable version could not meet, and why."""

    __tablename__ = "unmet_need"
    version_id: int = Field(foreign_key="timetable_version.id", primary_key=True)
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True)
    subject_id: str = Field(foreign_key="subject.id", primary_key=True)
    periods: int
    reason_code: str = Field(sa_type=String(48))
    reason_params: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    text_en: str
    text_zh: str


class LessonRow(SQLModel, table=True):
    """One dated live lesson. Its key never changes; every change bumps `revision`."""

    __tablename__ = "lesson"
    key: str = Field(primary_key=True)  # f"{session_key}@{date}"
    uid: str = Field(unique=True)
    session_key: str = Field(index=True)
    date: dt.date = Field(index=True)
    teacher_id: str = Field(foreign_key="network_teacher.id", index=True)
    subject_id: str = Field(foreign_key="subject.id")
    start: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    end: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    time_zone: str
    status: str = Field(sa_type=String(16))  # scheduled | moved | cancelled | done
    revision: int = 0
    fingerprint: str = Field(sa_type=String(32))
    conflicts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    version_id: int | None = Field(default=None, foreign_key="timetable_version.id")
    changed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    cancelled_at: dt.datetime | None = utc_column()


class LessonClassroomRow(SQLModel, table=True):
    __tablename__ = "lesson_classroom"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True, index=True)


class LessonEditRow(SQLModel, table=True):
    """One hand edit of one dated lesson; the newest of a key is what publishing applies.

    Each row holds the whole hand-set state after the edit (a move keeps an earlier re-assign),
    so nothing is ever updated or deleted: a `restore` row, with every field empty, hands the
    lesson back to the timetable.
    """

    __tablename__ = "lesson_edit"
    id: int | None = Field(default=None, primary_key=True)
    lesson_key: str = Field(foreign_key="lesson.key", index=True)
    kind: str = Field(sa_type=String(16))  # move | cancel | reassign | restore
    planned_date: dt.date = Field(index=True)  # the date the timetable gives the lesson
    start: dt.datetime | None = utc_column()  # set by hand (None: the timetable's time)
    end: dt.datetime | None = utc_column()
    time_zone: str  # the lesson's zone, the one the admin chose the time in
    teacher_id: str | None = Field(default=None, foreign_key="network_teacher.id")
    cancelled: bool = False
    note: str = ""
    # The warnings the admin read and confirmed: {"code", "text_en", "text_zh"} each.
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    actor: str = Field(sa_type=String(64))  # a username
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class FeedTokenRow(SQLModel, table=True):
    """A subscriber's secret feed address. Only the token's SHA-256 is stored."""

    __tablename__ = "feed_token"
    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(sa_type=String(16))  # teacher | classroom | assistant | school | ...
    owner_id: str
    token_hash: str = Field(sa_type=String(64), unique=True)
    nonce: str = Field(sa_type=String(32))  # with the secret key, derives the token again
    language: str = Field(default="zh", sa_type=String(8))
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: dt.datetime | None = utc_column()


class FeedStateRow(SQLModel, table=True):
    """What a feed last looked like, so Last-Modified never moves backwards."""

    __tablename__ = "feed_state"
    owner_kind: str = Field(sa_type=String(16), primary_key=True)
    owner_id: str = Field(primary_key=True)
    language: str = Field(sa_type=String(8), primary_key=True)
    etag: str = Field(sa_type=String(80))
    last_modified: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class ChangeCounterRow(SQLModel, table=True):
    """A number that goes up on every change feeds depend on: cheap cache invalidation."""

    __tablename__ = "change_counter"
    name: str = Field(primary_key=True)
    value: int = 0
    changed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


# --- Streams: who went live, who watched ---


class StreamEventRow(SQLModel, table=True):
    """A callback from the streaming server (nginx-rtmp): accepted or refused, and why.

    The newest accepted `publish` of a lesson without a later `publish_done` means the network
    teacher is live; no-show alerts read it.
    """

    __tablename__ = "stream_event"
    id: int | None = Field(default=None, primary_key=True)
    lesson_key: str | None = Field(default=None, foreign_key="lesson.key", index=True)
    kind: str = Field(sa_type=String(16))  # publish | publish_done | play | play_done
    participant_id: str | None = None  # the teacher (publish) or the classroom (play)
    accepted: bool
    reason: str = Field(sa_type=String(32))  # ok | unknown_stream | bad_key | too_early | ...
    stream_name: str
    client_address: str = ""
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


# --- Check-ins and API tokens ---


class ApiTokenRow(SQLModel, table=True):
    """An assistant's personal API token. Only its SHA-256 is stored; revoking is for good."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    assistant_id: str = Field(foreign_key="assistant.id", index=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    label: str = ""
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: dt.datetime | None = utc_column()


class IdempotencyRecordRow(SQLModel, table=True):
    """The first answer to an Idempotency-Key, per assistant; retries get it again."""

    __tablename__ = "idempotency_record"
    assistant_id: str = Field(foreign_key="assistant.id", primary_key=True)
    key: str = Field(sa_type=String(255), primary_key=True)
    fingerprint: str = Field(sa_type=String(64))
    status: int
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class AttendanceRow(SQLModel, table=True):
    """A classroom's check-in or end report for one lesson: exactly one of each, corrected
    in place (see attendance_correction); times are the first report's."""

    __tablename__ = "attendance"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True, index=True)
    kind: str = Field(sa_type=String(16), primary_key=True)  # check_in | end_report
    assistant_id: str = Field(foreign_key="assistant.id")
    students_present: int
    stream_up: bool | None = None
    stream_quality: str | None = Field(default=None, sa_type=String(16))  # good | poor | failed
    teacher_showed: bool | None = None
    note: str = ""
    device_time: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    received_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    skew_seconds: int
    late: bool
    revision: int = 0
    idempotency_key: str = Field(sa_type=String(255))  # of the request that set the fields
    corrected_at: dt.datetime | None = utc_column()


class ProblemReportRow(SQLModel, table=True):
    """A problem an assistant reported (no signal, no teacher, no power, other), any time."""

    __tablename__ = "problem_report"
    id: str = Field(sa_type=String(32), primary_key=True)
    lesson_key: str = Field(foreign_key="lesson.key", index=True)
    classroom_id: str = Field(foreign_key="classroom.id")
    assistant_id: str = Field(foreign_key="assistant.id")
    problem: str = Field(sa_type=String(16))  # no_signal | no_teacher | no_power | other
    note: str = ""
    device_time: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    received_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    skew_seconds: int
    late: bool
    idempotency_key: str = Field(sa_type=String(255))


class AttendanceCorrectionRow(SQLModel, table=True):
    """The audit log of corrections: who changed a report, when, from what, to what."""

    __tablename__ = "attendance_correction"
    id: int | None = Field(default=None, primary_key=True)
    lesson_key: str = Field(foreign_key="lesson.key", index=True)
    classroom_id: str = Field(foreign_key="classroom.id")
    kind: str = Field(sa_type=String(16))
    assistant_id: str = Field(foreign_key="assistant.id")  # who
    corrected_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)  # when
    revision: int  # the attendance revision this correction produced
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(sa_type=String(255))


# --- Accounts and audit ---


class UserRow(SQLModel, table=True):
    """A person who signs in: a role, the object it is scoped to, an argon2id password hash.

    `session_epoch` goes up when the password changes or the user is disabled: every cookie
    session signed in before then stops working.
    """

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True)
    role: str = Field(sa_type=String(16))  # admin | teacher | assistant
    scope_kind: str = Field(sa_type=String(16))  # region | alliance | group | teacher | assistant
    scope_id: str
    password_hash: str = Field(sa_type=String(255))
    language: str = Field(default="zh", sa_type=String(8))
    session_epoch: int = 0
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    disabled_at: dt.datetime | None = utc_column()


class AuditRow(SQLModel, table=True):
    """One change someone made: who, when, what action on which object, and the details."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(sa_type=String(64), index=True)  # a username, or "cli"
    action: str = Field(sa_type=String(32), index=True)  # user.add | feed.rotate | ...
    object_kind: str = Field(sa_type=String(16))
    object_id: str
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- Notifications and jobs ---


class NotificationRow(SQLModel, table=True):
    """One message for one channel: written first, sent after, retried until sent, never deleted.

    The id names what the message is for (reminder:LESSON:REVISION:assistant:ID:CHANNEL, ...), so
    enqueuing it twice (a job run twice, a new leader catching up) still sends it once.
    """

    __tablename__ = "notification"
    id: str = Field(sa_type=String(255), primary_key=True)
    kind: str = Field(sa_type=String(16), index=True)  # reminder | change | alert
    channel: str = Field(sa_type=String(64))  # email | robot:NAME | webhook:NAME
    lesson_key: str | None = Field(default=None, foreign_key="lesson.key", index=True)
    recipient: str  # teacher:ID | assistant:ID | admin:SCOPE
    address: str = ""  # the e-mail address (email only)
    mentions: list[str] = json_list()  # phones a robot @-mentions
    subject: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", sa_type=String(16), index=True)  # pending|sent|failed
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    sent_at: dt.datetime | None = utc_column()
    last_error: str = ""


class JobRunRow(SQLModel, table=True):
    """A lesson job that ran to the end (reminder:KEY:REV, checkin:…, live:…, room:…).

    The schedule lives in the leader's memory; this record lets a new leader skip what an
    earlier one already did, so no job runs twice across a hand-over.
    """

    __tablename__ = "job_run"
    id: str = Field(sa_type=String(255), primary_key=True)
    finished_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
