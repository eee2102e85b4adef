"""Import runs, timetable versions, their planned sessions and the needs they left unmet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime


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
