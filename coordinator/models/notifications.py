"""The durable outbox of messages and the record of lesson jobs that ran."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime, json_list, utc_column


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
    # pending | sent | delivered (the provider says so) | failed
    status: str = Field(default="pending", sa_type=String(16), index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    sent_at: dt.datetime | None = utc_column()
    last_error: str = ""
    provider_id: str = ""  # the provider's id of an accepted message (task id, BizId, msgid)
    check_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    delivered_at: dt.datetime | None = utc_column()


class JobRunRow(SQLModel, table=True):
    """A lesson job that ran to the end (reminder:KEY:REV, checkin:…, live:…, room:…).

    The schedule lives in the leader's memory; this record lets a new leader skip what an
    earlier one already did, so no job runs twice across a hand-over.
    """

    __tablename__ = "job_run"
    id: str = Field(sa_type=String(255), primary_key=True)
    finished_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class AccessTokenRow(SQLModel, table=True):
    """An API access token shared by every process, keyed by provider and app.

    One process at a time refreshes it: the one whose conditional update takes the lease
    (`lease_until` in the past or empty) fetches, writes the token and frees the lease.
    """

    __tablename__ = "access_token"
    provider: str = Field(sa_type=String(32), primary_key=True)  # wecom | dingtalk | ...
    app: str = Field(sa_type=String(128), primary_key=True)  # corpid:agentid, appkey, ...
    token: str = ""
    expires_at: dt.datetime | None = utc_column()
    lease_until: dt.datetime | None = utc_column()
    refreshed_at: dt.datetime | None = utc_column()


class LessonAnnouncedRow(SQLModel, table=True):
    """A lesson as people last knew it (its time and teacher at a revision), so a change
    notice can say what it was before: "周二 09:10 → 周三 15:00，代课：韩雪"."""

    __tablename__ = "lesson_announced"
    lesson_key: str = Field(foreign_key="lesson.key", primary_key=True)
    revision: int
    start: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    teacher_id: str
    noted_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class CalendarEventRow(SQLModel, table=True):
    """A lesson in one person's WeCom schedule or DingTalk calendar: the provider's event id,
    and the content last pushed (`fingerprint`), so a re-run pushes nothing twice.

    `version` counts the pushes; outbox ids carry it, so each change is one push.
    """

    __tablename__ = "calendar_event"
    lesson_key: str = Field(sa_type=String(255), primary_key=True)
    recipient: str = Field(sa_type=String(128), primary_key=True)  # teacher:ID | assistant:ID
    provider: str = Field(sa_type=String(16), primary_key=True)  # wecom | dingtalk
    address: str = ""  # the person's userid there
    calendar_user: str = ""  # whose calendar (DingTalk: the unionId the calendar API takes)
    event_id: str = ""  # schedule_id (WeCom) or event id (DingTalk)
    fingerprint: str = ""  # of the content pushed last
    state: str = Field(default="active", sa_type=String(16), index=True)  # active | removed
    version: int = 0
    pushed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class NotificationAudienceRow(SQLModel, table=True):
    """A region admin's choice of who gets one kind of message about their region's people
    (teacher, assistant, admin, comma-separated; empty: nobody), over the setting's default."""

    __tablename__ = "notification_audience"
    region_id: str = Field(sa_type=String(255), primary_key=True)
    kind: str = Field(sa_type=String(16), primary_key=True)  # reminder | change | alert
    audiences: str = ""
    changed_by: str = ""
    changed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
