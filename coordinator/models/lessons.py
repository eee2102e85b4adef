"""Dated lessons, the classrooms receiving them, hand edits, feed addresses and change counters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime, utc_column


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
    # What stream links derive from besides the key: moves with the time or the teacher only,
    # so a classroom joining or leaving leaves the other classrooms' links as they were.
    link_revision: int = 0
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


class LessonDepartureRow(SQLModel, table=True):
    """A classroom taken out of a lesson (a rebalance, a hand edit): its feeds keep showing the
    lesson as cancelled for a while instead of dropping it. Gone when the classroom returns."""

    __tablename__ = "lesson_departure"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    classroom_id: str = Field(foreign_key="classroom.id", primary_key=True, index=True)
    left_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


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


class StreamProviderRow(SQLModel, table=True):
    """The stream provider a school's lessons last got links from: when its settings change,
    `epoch` goes up and so does the SEQUENCE of every event whose link changed with it."""

    __tablename__ = "stream_provider"
    school_id: str = Field(primary_key=True)
    fingerprint: str = Field(sa_type=String(64))  # SHA-256 of the provider's name and settings
    epoch: int = 0
    changed_at: dt.datetime | None = utc_column()


class ChangeCounterRow(SQLModel, table=True):
    """A number that goes up on every change feeds depend on: cheap cache invalidation."""

    __tablename__ = "change_counter"
    name: str = Field(primary_key=True)
    value: int = 0
    changed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
