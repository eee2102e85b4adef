"""The job rows: created, claimed by one runner, beating with progress, finished.

Claiming is a conditional update (``queued`` → ``running``), so however many runners are
handed the same job, exactly one runs it. A running job writes a heartbeat with its
progress; one whose heartbeat is older than the settings' ``stale_after_s`` lost its worker:
``sweep`` queues it again while it has tries left, and fails it after that. Nothing stays
"running".
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from coordinator import models
from coordinator.errors import NotFoundError
from coordinator.store import Store

QUEUED, RUNNING, DONE, STOPPED, FAILED = "queued", "running", "done", "stopped", "failed"
ENDED = (DONE, STOPPED, FAILED)
LOST_WORKER = "its worker stopped answering (killed or lost) %d time(s); the job was not finished"


def worker_name() -> str:
    """This process, as a job's ``worker``: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Swept:
    requeued: tuple[int, ...]
    failed: tuple[int, ...]


async def create_job(
    store: Store, *, kind: str, params: dict[str, Any], requested_by: str, now: dt.datetime
) -> int:
    """A new queued job; its id."""
    row = models.JobRow(
        kind=kind, state=QUEUED, params=params, requested_by=requested_by, created_at=now
    )
    async with store.write() as session:
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def get_job(store: Store, job_id: int) -> models.JobRow:
    async with store.read() as session:
        row = await session.get(models.JobRow, job_id)
    if row is None:
        raise NotFoundError(f"job {job_id} does not exist")
    return row


async def claim(store: Store, job_id: int, *, worker: str, now: dt.datetime) -> bool:
    """Take a queued job to run it; False if another runner has it or it ended."""
    table = models.JobRow
    statement = (
        update(table)
        .where(col(table.id) == job_id, col(table.state) == QUEUED)
        .values(
            state=RUNNING,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            attempts=table.attempts + 1,
        )
    )
    async with store.write() as session:
        result = await session.exec(statement)
        return bool(result.rowcount == 1)


async def beat(
    store: Store, job_id: int, *, worker: str, progress: dict[str, Any], now: dt.datetime
) -> bool:
    """Store progress and a heartbeat; whether a stop was asked for (or the job was taken away).

    A job the sweeper gave to another worker is no longer this worker's: it should stop.
    """
    table = models.JobRow
    async with store.write() as session:
        result = await session.exec(
            update(table)
            .where(col(table.id) == job_id, col(table.state) == RUNNING)
            .where(col(table.worker) == worker)
            .values(progress=progress, heartbeat_at=now)
        )
        if result.rowcount != 1:
            return True
        asked = await session.exec(select(table.stop_requested).where(col(table.id) == job_id))
        return bool(asked.one())


async def finish(
    store: Store,
    job_id: int,
    *,
    worker: str,
    state: str,
    now: dt.datetime,
    result: dict[str, Any] | None = None,
    progress: dict[str, Any] | None = None,
    error: str = "",
) -> bool:
    """End a running job with its result (only the worker that runs it may)."""
    table = models.JobRow
    values: dict[str, Any] = {"state": state, "finished_at": now, "error": error}
    if result is not None:
        values["result"] = result
    if progress is not None:
        values["progress"] = progress
    async with store.write() as session:
        done = await session.exec(
            update(table)
            .where(col(table.id) == job_id, col(table.state) == RUNNING)
            .where(col(table.worker) == worker)
            .values(**values)
        )
        return bool(done.rowcount == 1)


async def request_stop(store: Store, job_id: int) -> None:
    """Ask a job to stop early (a queued one never starts: it ends stopped when claimed)."""
    table = models.JobRow
    async with store.write() as session:
        await session.exec(update(table).where(col(table.id) == job_id).values(stop_requested=True))


async def sweep(store: Store, *, now: dt.datetime, stale: dt.timedelta, max_attempts: int) -> Swept:
    """Running jobs whose worker stopped beating: queued again, or failed after max_attempts."""
    table = models.JobRow
    requeued: list[int] = []
    failed: list[int] = []
    async with store.write() as session:
        rows = await session.exec(
            select(table)
            .where(col(table.state) == RUNNING, col(table.heartbeat_at) < now - stale)
            .with_for_update(skip_locked=True)
        )
        for row in rows.all():
            assert row.id is not None
            if row.attempts < max_attempts and not row.stop_requested:
                row.state, row.worker = QUEUED, ""
                requeued.append(row.id)
            else:
                row.state, row.finished_at = FAILED, now
                row.error = LOST_WORKER % row.attempts
                failed.append(row.id)
            session.add(row)
    return Swept(tuple(requeued), tuple(failed))


async def queued_jobs(store: Store, *, kinds: tuple[str, ...]) -> list[int]:
    """Queued jobs of these kinds, oldest first."""
    table = models.JobRow
    async with store.read() as session:
        rows = await session.exec(
            select(table.id)
            .where(col(table.state) == QUEUED, col(table.kind).in_(kinds))
            .order_by(col(table.id))
        )
        return [i for i in rows.all() if i is not None]


async def running_jobs(store: Store, *, worker: str) -> list[int]:
    """The jobs a worker runs now."""
    table = models.JobRow
    async with store.read() as session:
        rows = await session.exec(
            select(table.id).where(col(table.state) == RUNNING, col(table.worker) == worker)
        )
        return [i for i in rows.all() if i is not None]


async def jobs_of(
    store: Store, *, requested_by: str, kind: str, limit: int = 10
) -> list[models.JobRow]:
    """A user's latest jobs of a kind, newest first."""
    table = models.JobRow
    async with store.read() as session:
        rows = await session.exec(
            select(table)
            .where(col(table.requested_by) == requested_by, col(table.kind) == kind)
            .order_by(col(table.id).desc())
            .limit(limit)
        )
        return list(rows.all())


async def add_to_result(store: Store, job_id: int, extra: dict[str, Any]) -> None:
    """Note what became of an ended job's result (published as a version, discarded)."""
    async with store.write() as session:
        row = await session.get(models.JobRow, job_id)
        if row is None:
            raise NotFoundError(f"job {job_id} does not exist")
        row.result = {**row.result, **extra}
        session.add(row)
