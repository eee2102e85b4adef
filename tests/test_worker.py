"""The worker end to end: real scheduler, real SMTP and HTTP receivers, short offsets."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from click.testing import CliRunner
from sqlalchemy import update
from sqlmodel import SQLModel, col, func, select

from coordinator import models
from coordinator.cli import main
from coordinator.jobs import Jobs, Worker
from coordinator.notify import build_channels
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.notifications.reminders import Notifier, PlannedJob
from coordinator.services.scheduler.leader import (
    AlwaysLeader,
    FileLeadership,
    PostgresLeadership,
    WorkerAlreadyRunning,
)
from coordinator.store import Store
from tests.conftest import drop_postgres_schema, postgres_schema_store
from tests.notify import fixtures
from tests.notify.support import STREAMS, Mailbox, Receiver, add_lesson, seed, settings

COORDINATOR = Path(sys.executable).with_name("coordinator")

mailbox, receiver = fixtures.mailbox, fixtures.receiver
HANG_S = 60.0  # only a hang guard: how fast is measured in benchmarks/failover.py
FAST: dict[str, Any] = {"poll_s": 0.3, "outbox_poll_s": 0.3, "leader_retry_s": 0.3}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def eventually(check: Callable[[], bool]) -> None:
    """Wait until `check()` holds; the ceiling only catches a hang, never a slow machine."""
    began = time.monotonic()
    while not check():
        assert time.monotonic() - began < HANG_S, "hung: the condition never came true"
        await asyncio.sleep(0.05)


def subjects(box: Mailbox) -> list[str]:
    from email import message_from_bytes
    from email.policy import default

    found = []
    for envelope in box.envelopes:
        assert isinstance(envelope.content, bytes)
        found.append(str(message_from_bytes(envelope.content, policy=default)["Subject"]))
    return found


async def outbox_size(store: Store) -> int:
    async with store.read() as session:
        return int(
            (await session.exec(select(func.count()).select_from(models.NotificationRow))).one()
        )


@contextlib.asynccontextmanager
async def running(*workers: Worker) -> AsyncIterator[None]:
    """The workers run until the block ends, however it ends."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def test_reminder_no_show_and_change_notice_go_out_at_their_moments(
    store: Store, receiver: tuple[Receiver, str], mailbox: tuple[Mailbox, int]
) -> None:
    (received, base), (box, port) = receiver, mailbox
    await seed(store)
    now = utc_now()
    soon = dt.timedelta(seconds=1.5)
    await add_lesson(store, now + dt.timedelta(minutes=30) + soon, key="s-a@x", rooms=("c-west-3",))
    await add_lesson(store, now - dt.timedelta(minutes=10) + soon, key="s-b@x", rooms=("c-east-3",))
    notifier = Notifier(settings(base, port, live_check_providers=(), **FAST), STREAMS)
    async with aiohttp.ClientSession() as http:
        worker = Worker(store, notifier, AlwaysLeader(), build_channels(notifier.settings, http))
        async with running(worker):
            await asyncio.sleep(0.6)
            before = (subjects(box), received.to("/admin"))
            await eventually(lambda: len(box.envelopes) == 2 and len(received.to("/admin")) == 1)
            took = utc_now() - now
            jobs = worker.jobs
            assert jobs is not None
            async with store.write() as session:
                await session.exec(
                    update(models.LessonRow)
                    .where(col(models.LessonRow.key) == "s-a@x")
                    .values(
                        start=now + dt.timedelta(hours=2),
                        end=now + dt.timedelta(hours=2, minutes=40),
                        revision=1,
                        changed_at=utc_now(),
                    )
                )
                await bump_counter(session, FEEDS, utc_now())
            await eventually(lambda: len(box.envelopes) == 4)
            scheduled = sorted(job.id for job in jobs.scheduler.get_jobs() if ":" in job.id)
    assert before == ([], [])
    assert took >= soon  # nothing goes out before its moment (checked again by `before`)
    assert (
        sorted(subjects(box)) == ["【双师课堂】30分钟后上课：音乐"] * 2 + ["【课程变更】音乐"] * 2
    )
    assert "【未签到】东村小学 三年级（1）班" in received.to("/admin")[0][3].decode()
    assert scheduled == ["checkin:s-a@x:1", "reminder:s-a@x:1"]


async def test_a_new_leader_catching_up_sends_nothing_twice(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    received, base = receiver
    await seed(store)
    now = utc_now()
    await add_lesson(store, now + dt.timedelta(minutes=30, seconds=-20), rooms=("c-east-3",))
    notifier = Notifier(settings(base, **FAST), STREAMS)
    async with aiohttp.ClientSession() as http:
        channels = build_channels(notifier.settings, http)
        for _ in range(2):  # the old leader, then its successor within the misfire grace
            async with running(Worker(store, notifier, AlwaysLeader(), channels)):
                await eventually(lambda: len(received.requests) >= 5)
                await asyncio.sleep(0.3)
    assert len(received.requests) == 5  # a-li: east, west, hook; 王丽: west, hook
    assert await outbox_size(store) == 5


async def test_second_worker_on_the_same_sqlite_database_refuses(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "coordinator.db"))
    holder = FileLeadership(Path(f"{tmp_path / 'coordinator.db'}.worker.lock"))
    assert await holder.acquire()
    notifier = Notifier(settings("http://r", **FAST), STREAMS)
    worker = Worker(store, notifier, FileLeadership(holder.path), {})
    with pytest.raises(WorkerAlreadyRunning, match="another worker is running"):
        await worker.run(asyncio.Event())
    await holder.release()
    await store.close()


@pytest.fixture
async def postgres_store() -> AsyncIterator[Store]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    store = await postgres_schema_store(schema)
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    yield store
    await store.close()
    await drop_postgres_schema(schema)


@pytest.mark.postgres
async def test_standby_worker_leads_when_the_leader_dies(
    postgres_store: Store,
) -> None:
    from tests.services.scheduler.test_leader import kill_backend

    await seed(postgres_store)
    notifier = Notifier(settings("http://r", **FAST), STREAMS)
    dsn = postgres_store.url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"test-worker-{uuid.uuid4().hex}"
    first_lock, second_lock = PostgresLeadership(dsn, name=name), PostgresLeadership(dsn, name=name)
    first = Worker(postgres_store, notifier, first_lock, {})
    second = Worker(postgres_store, notifier, second_lock, {})
    first_stop = asyncio.Event()
    first_run = asyncio.create_task(first.run(first_stop))
    await eventually(lambda: first.jobs is not None)
    async with running(second):
        await asyncio.sleep(0.5)
        assert second.jobs is None
        # A crashed leader: its connection dies and its process never comes back. (A leader
        # that is still running would take the lock again at once, as it should after a
        # network blip, and could win the race against the standby.)
        await kill_backend(first_lock.backend_pid)
        first_stop.set()
        await first_run
        await eventually(lambda: second.jobs is not None)
        # Asked on a connection of its own: the worker's loop is using its lock's connection.
        holders = await advisory_lock_holders(dsn)
        assert (first.jobs, first_lock.backend_pid) == (None, None)
        assert second_lock.backend_pid in holders


async def advisory_lock_holders(dsn: str) -> set[int]:
    """The server processes that hold an advisory lock now."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT pid FROM pg_locks WHERE locktype = 'advisory'")
    finally:
        await connection.close()
    return {int(row["pid"]) for row in rows}


def migrated_sqlite(database: Path) -> None:
    """A database as `coordinator db upgrade` leaves it."""
    result = CliRunner().invoke(main, ["--db", str(database), "db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_the_cli_worker_runs_until_sigterm(tmp_path: Path) -> None:
    """A real worker process: it says it runs (its handlers are in place), then SIGTERM."""
    database = tmp_path / "coordinator.db"
    migrated_sqlite(database)
    command = [str(COORDINATOR), "--db", str(database), "worker"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        first_line = process.stderr.readline()
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert (exit_code, first_line) == (
        0,
        f"worker on sqlite+aiosqlite:///{database}; stop with Ctrl-C\n",
    )


def test_the_cli_worker_refuses_when_another_holds_the_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "coordinator.db"
    migrated_sqlite(database)
    holder = FileLeadership(Path(f"{database}.worker.lock"))
    assert asyncio.run(holder.acquire())
    try:
        result = CliRunner().invoke(main, ["--db", str(database), "worker"])
    finally:
        asyncio.run(holder.release())
    assert result.exit_code == 1
    assert "another worker is running (one per SQLite database)" in result.output


async def test_lesson_jobs_have_ids_coalesce_and_grace_and_follow_the_plan(
    tmp_path: Path,
) -> None:
    notifier = Notifier(settings("http://r"), STREAMS)
    scheduler = AsyncIOScheduler(timezone=dt.UTC)
    store = Store(str(tmp_path / "unused.db"))
    jobs = Jobs(store, notifier, {}, scheduler)
    at = utc_now() + dt.timedelta(hours=1)
    jobs.schedule([PlannedJob("reminder", "k@1", 0, at), PlannedJob("checkin", "k@1", 0, at)])
    first = {job.id: (job.coalesce, job.misfire_grace_time) for job in scheduler.get_jobs()}
    jobs.finished.add("checkin:k@1:1")  # already run in this term: not scheduled again
    jobs.schedule([PlannedJob("reminder", "k@1", 1, at), PlannedJob("checkin", "k@1", 1, at)])
    assert first == {"reminder:k@1:0": (True, 300), "checkin:k@1:0": (True, 300)}
    await store.close()
    assert [job.id for job in scheduler.get_jobs()] == ["reminder:k@1:1"]
