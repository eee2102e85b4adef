"""Open courses schools join themselves: each course's enrolment state and its enrolments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, text
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime, utc_column


class OpenCourseRow(SQLModel, table=True):
    """One open pinned session's enrolment state; joins lock this row before counting seats."""

    __tablename__ = "open_course"
    pinned_id: str = Field(primary_key=True, foreign_key="pinned_session.id")
    closed: bool = False  # the host stopped new joins
    cap: int | None = None  # the host's own limit below the session's capacity
    changed_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


class EnrolmentRow(SQLModel, table=True):
    """A classroom that joined an open course from a date; leaving sets `left_from`.

    Only `active` rows put the classroom in lessons; a refused request holds no date.

    Rows are never deleted: a left enrolment keeps who, when and from which date. At most one
    enrolment of a classroom in a course is current (`left_from` empty), a partial unique index.
    """

    __tablename__ = "enrolment"
    __table_args__ = (
        Index(
            "uq_enrolment_current",
            "pinned_id",
            "classroom_id",
            unique=True,
            sqlite_where=text("left_from IS NULL"),
            postgresql_where=text("left_from IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    pinned_id: str = Field(foreign_key="pinned_session.id", index=True)
    classroom_id: str = Field(foreign_key="classroom.id", index=True)
    joined_from: dt.date  # the first date the classroom takes the course
    left_from: dt.date | None = None  # the first date it no longer does
    # active | requested (a county that approves joins: waits on the requests page) | refused
    status: str = Field(default="active", sa_type=String(16), index=True)
    actor: str = Field(sa_type=String(64))  # who joined (a username)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    left_by: str = Field(default="", sa_type=String(64))
    left_at: dt.datetime | None = utc_column()


class AudienceEnrolmentRow(SQLModel, table=True):
    """A school's teachers or a classroom's parents in an open course for them, from a date.

    `audience_kind` is `school` (a teacher-training course) or `classroom` (a parent class);
    like `enrolment`, rows are never deleted and at most one per audience is current.
    """

    __tablename__ = "audience_enrolment"
    __table_args__ = (
        Index(
            "uq_audience_enrolment_current",
            "pinned_id",
            "audience_kind",
            "audience_id",
            unique=True,
            sqlite_where=text("left_from IS NULL"),
            postgresql_where=text("left_from IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    pinned_id: str = Field(foreign_key="pinned_session.id", index=True)
    audience_kind: str = Field(sa_type=String(16))  # school | classroom
    audience_id: str = Field(sa_type=String(64), index=True)
    joined_from: dt.date
    left_from: dt.date | None = None
    actor: str = Field(sa_type=String(64))
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    left_by: str = Field(default="", sa_type=String(64))
    left_at: dt.datetime | None = utc_column()
