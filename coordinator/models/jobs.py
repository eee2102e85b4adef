"""Long work run as jobs (a solve, ...): what was asked, its state, progress and result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime


class JobRow(SQLModel, table=True):
    """One job: queued, running (with a heartbeat), then done, stopped or failed; never lost.

    The parameters say what to do; progress is rewritten while it runs; the result is written
    once, with the state, when it ends. A worker that dies leaves a stale heartbeat: the
    sweeper queues the job again (``attempts`` counts the tries) or marks it failed.
    """

    __tablename__ = "job"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(32), index=True)  # solve
    state: str = Field(sa_type=String(16), index=True)  # queued|running|done|stopped|failed
    requested_by: str = ""  # the user who started it
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = ""
    stop_requested: bool = False
    attempts: int = 0
    worker: str = ""  # who runs (or last ran) it: host:pid
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
