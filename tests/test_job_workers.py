"""Solve jobs on PostgreSQL through Procrastinate with two real `coordinator worker` processes.

One worker is SIGKILLed in the middle of a solve: its job is not left "running" — the other
worker's sweep queues it again and runs it (or it fails once its tries are spent). Jobs
handed to the queue twice still run once: exactly one worker claims each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text

from benchmarks.processes import COORDINATOR, ProcessGroup, coordinator_env
from coordinator.bundle.synthetic import generate_bundle
from coordinator.models import JobRow
from coordinator.services.data.imports import import_bundle
from coordinator.services.jobs import records
from coordinator.services.jobs.queue import open_runner
from coordinator.services.jobs.runners import JobRunner
from coordinator.services.jobs.solving import KIND, solve_params
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.store.schema import upgrade
from tests.conftest import fresh_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

T = TypeVar("T")
HANG_S = 180  # only to catch a hang
FAST = {  # short heartbeats and staleness, so a dead worker is noticed within seconds
    "COORDINATOR_JOBS__HEARTBEAT_S": "0.3",
    "COORDINATOR_JOBS__STALE_AFTER_S": "3",
    "COORDINATOR_JOBS__SWEEP_EVERY_S": "0.5",
    "COORDINATOR_SOLVER__NUM_WORKERS": "1",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    store = Store(database)
    await upgrade(store)
    await import_bundle(
        store, generate_bundle(classrooms=60, teachers=20, seed=3), source="t", now=utc_now()
    )
    yield store
    await store.close()


@pytest.fixture
async def runner(store: Store) -> AsyncIterator[JobRunner]:
    """The web process's side: defers to the queue (and installs its schema)."""
    async with open_runner(store, Settings(database_url=str(store.url)), utc_now) as runner:
        yield runner


@pytest.fixture
def workers(database: str, tmp_path: Path) -> Iterator[list[ProcessGroup]]:
    command = [str(COORDINATOR), "--db", database, "-v", "worker", "--no-scheduler"]
    groups = [
        ProcessGroup(
            command, log=tmp_path / f"worker-{n}.log", cwd=tmp_path, env=coordinator_env(**FAST)
        )
        for n in range(2)
    ]
    for group in groups:
        group.start()
    try:
        yield groups
    finally:
        for group in groups:
            group.stop()


async def polled(fetch: Callable[[], Awaitable[T]], ready: Callable[[T], bool]) -> T:
    """What ``fetch`` gives once it is ready (another process changes it)."""
    async with asyncio.timeout(HANG_S):
        while True:
            value = await fetch()
            if ready(value):
                return value
            await asyncio.sleep(0.1)


def improving(row: JobRow) -> bool:
    return row.state == records.RUNNING and row.progress.get("phase") == "improve"


def ended(row: JobRow) -> bool:
    return row.state in records.ENDED


async def queue_statuses(store: Store) -> list[str]:
    async with store.read() as session:
        rows = await session.exec(text("SELECT status FROM procrastinate_jobs ORDER BY id"))  # type: ignore[call-overload]
        return [str(status) for (status,) in rows.all()]


async def test_a_worker_killed_mid_solve_leaves_its_job_to_the_other(
    store: Store, runner: JobRunner, workers: list[ProcessGroup]
) -> None:
    params = solve_params(time_limit_s=600.0, scope="")
    job_id = await records.create_job(
        store, kind=KIND, params=params, requested_by="a", now=utc_now()
    )
    await runner.submit(job_id)
    job = functools.partial(records.get_job, store, job_id)
    first = await polled(job, improving)
    killed = next(w for w in workers if first.worker.endswith(f":{w.pid}"))
    survivor = next(w for w in workers if w is not killed)
    killed.kill()
    # Not stuck: the survivor's sweep queues it again and the survivor runs it.
    second = await polled(job, lambda row: row.attempts == 2 and improving(row))
    assert second.worker.endswith(f":{survivor.pid}")
    await records.request_stop(store, job_id)
    last = await polled(job, ended)
    assert (last.state, last.attempts) == (records.STOPPED, 2)
    assert last.result["plan"]["delivered_periods"] == last.progress["delivered"] > 0
    # The killed worker's queue entry was closed as failed, the second one succeeded.
    entries = functools.partial(queue_statuses, store)
    statuses = await polled(entries, lambda s: len(s) == 2 and "doing" not in s)
    assert statuses == ["failed", "succeeded"]


async def test_jobs_handed_to_the_queue_twice_run_once_each(
    store: Store, runner: JobRunner, workers: list[ProcessGroup]
) -> None:
    del workers
    params = solve_params(time_limit_s=2.0, scope="")
    ids = [
        await records.create_job(store, kind=KIND, params=params, requested_by="a", now=utc_now())
        for _ in range(3)
    ]
    for job_id in ids + ids:  # each deferred twice: two queue entries per job
        await runner.submit(job_id)
    rows = [await polled(functools.partial(records.get_job, store, i), ended) for i in ids]
    assert [(r.state, r.attempts) for r in rows] == [(records.DONE, 1)] * 3
    statuses = await polled(
        functools.partial(queue_statuses, store), lambda s: s.count("succeeded") == 6
    )
    assert statuses == ["succeeded"] * 6
