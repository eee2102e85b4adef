"""Which lesson jobs already ran to the end, kept in the database across leaders.

The scheduler's jobs live in the leader's memory. When a leader dies, the next one plans the
same lesson jobs again; it skips the ones recorded here. A job that did its work but died
before it was recorded runs again, which is harmless: what jobs send goes through the outbox,
whose ids are idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store

# Lesson jobs run within a day of being planned; their records are kept a week.
KEPT = dt.timedelta(days=7)


async def already_run(store: Store, job_ids: Iterable[str]) -> set[str]:
    """Those of `job_ids` that some leader ran to the end."""
    wanted = sorted(set(job_ids))
    if not wanted:
        return set()
    table = models.JobRunRow
    async with store.read() as session:
        found = await session.exec(select(table.id).where(col(table.id).in_(wanted)))
        return set(found.all())


async def record_run(store: Store, job_id: str, now: dt.datetime) -> None:
    """Remember that the job ran to the end (once, whoever records it first)."""
    insert = sqlite_insert if store.is_sqlite else postgresql_insert
    statement = (
        insert(models.JobRunRow)
        .values(id=job_id, finished_at=now)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    async with store.write() as session:
        await session.exec(statement)


async def forget_runs(store: Store, *, before: dt.datetime) -> int:
    async with store.write() as session:
        result = await session.exec(
            delete(models.JobRunRow).where(col(models.JobRunRow.finished_at) < before)
        )
        return int(result.rowcount)
