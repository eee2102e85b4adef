"""Uploads staged in the database between "check" and "import", so any process can read them.

A staged upload belongs to the user who sent it: only they can read or discard it. One that
was never imported nor discarded is deleted by the scheduler's housekeeping after ``KEPT``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel import col, delete

from coordinator import models
from coordinator.store import Store

KEPT = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class StagedUpload:
    """The file as sent: its name, the one table it replaces ("" for a bundle), its bytes."""

    id: str
    owner: str
    file_name: str
    table: str
    data: bytes


async def stage(
    store: Store, *, owner: str, file_name: str, table: str, data: bytes, now: dt.datetime
) -> str:
    """Keep an upload; its new id."""
    upload_id = secrets.token_hex(16)
    row = models.StagedUploadRow(
        id=upload_id, owner=owner, file_name=file_name, table=table, data=data, created_at=now
    )
    async with store.write() as session:
        session.add(row)
    return upload_id


async def staged(store: Store, upload_id: str, *, owner: str) -> StagedUpload | None:
    """The owner's staged upload by id (None: gone, or someone else's)."""
    async with store.read() as session:
        row = await session.get(models.StagedUploadRow, upload_id)
    if row is None or row.owner != owner:
        return None
    return StagedUpload(row.id, row.owner, row.file_name, row.table, bytes(row.data))


async def forget(store: Store, upload_id: str) -> None:
    """Delete a staged upload (imported or discarded); nothing if it is gone already."""
    table = models.StagedUploadRow
    async with store.write() as session:
        await session.exec(delete(table).where(col(table.id) == upload_id))


async def forget_old(store: Store, *, now: dt.datetime) -> int:
    """Delete uploads staged more than ``KEPT`` ago; how many."""
    table = models.StagedUploadRow
    async with store.write() as session:
        result = await session.exec(delete(table).where(col(table.created_at) <= now - KEPT))
    return int(result.rowcount)
