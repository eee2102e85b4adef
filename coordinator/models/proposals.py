"""Rebalance proposals the CLI previewed: kept until applied, refused once stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime


class RebalanceProposalRow(SQLModel, table=True):
    """A previewed rebalance: the proposed plan exactly as shown, and what it was made from.

    `--apply ID` stores this plan, never a recomputed one; the stamp (active version, the
    temporary versions on it, the latest import) tells whether the timetable moved on since.
    """

    __tablename__ = "rebalance_proposal"
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    actor: str = Field(sa_type=String(64))
    base_version_id: int = Field(foreign_key="timetable_version.id")
    stamp: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    applies_from: dt.date | None = None
    applies_to: dt.date | None = None
    note: str = ""
    wall_seconds: float = 0.0
    # The audit details the apply writes (change, weekly counts, teachers, classrooms).
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    keys: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    applied_version_id: int | None = Field(default=None, foreign_key="timetable_version.id")
