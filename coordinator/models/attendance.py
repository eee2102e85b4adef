"""What happened in a lesson: stream events, check-ins, problem reports, API tokens, idempotency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime, utc_column


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


class WatchHeartbeatRow(SQLModel, table=True):
    """A classroom's watch page playing the lesson: its newest "still playing" (the go-live
    page counts the classrooms heard from in the last minute). One row per lesson and room."""

    __tablename__ = "watch_heartbeat"
    lesson_key: str = Field(sa_type=String(255), primary_key=True)
    classroom_id: str = Field(sa_type=String(255), primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


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
