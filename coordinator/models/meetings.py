"""Meetings made on a platform's API for a lesson (Tencent Meeting, WeCom, DingTalk, ClassIn)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime


class PlatformMeetingRow(SQLModel, table=True):
    """The platform's meeting of one lesson: its id there, how people join, and the lesson
    revision the platform was last told of. One row a lesson, so a job run twice (or by a
    new leader) finds the meeting instead of making another."""

    __tablename__ = "platform_meeting"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    provider: str = Field(sa_type=String(32))
    meeting_id: str
    join_url: str = ""
    code: str = Field(default="", sa_type=String(64))  # the number people type
    revision: int  # the lesson's revision the platform has
    state: str = Field(sa_type=String(16), index=True)  # creating | created | active | cancelled
    start: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    end: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class PlatformEvidenceRow(SQLModel, table=True):
    """What a platform says of a lesson after it: one row per participant it saw (a meeting's
    attendee, a ClassIn sub-class, or `*` for a live's viewer count), beside the check-ins."""

    __tablename__ = "platform_evidence"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    participant: str = Field(primary_key=True)  # the platform's user id, or "*" for a count
    provider: str = Field(sa_type=String(32))
    name: str = ""
    classroom_id: str | None = Field(default=None, index=True)  # when it is a classroom's
    seconds: int = 0  # time present, summed over joins
    viewers: int = 0  # for "*": how many watched
    fetched_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
