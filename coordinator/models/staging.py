"""Uploaded bundles between "check" and "import": the file's bytes, readable by any process."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, LargeBinary, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime


class StagedUploadRow(SQLModel, table=True):
    """A checked upload waiting for its import (or discard); removed after a day at most.

    ``table`` names the one table a single CSV replaces (empty: a whole bundle).
    """

    __tablename__ = "staged_upload"
    id: str = Field(sa_type=String(32), primary_key=True)
    owner: str = Field(sa_type=String(255), index=True)  # the user who uploaded it
    file_name: str = Field(sa_type=String(255))
    table: str = Field(default="", sa_type=String(64))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
