"""Leader election: one leader on PostgreSQL, a standby takes over within seconds; one on SQLite."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from coordinator.services.scheduler.leader import (
    AlwaysLeader,
    FileLeadership,
    PostgresLeadership,
    leadership_for,
    lock_key,
)
from coordinator.store import Store
from tests.conftest import POSTGRES_URL

HANG_S = 60.0  # only a hang guard: how fast a standby takes over is benchmarks/failover.py's
DSN = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


async def kill_backend(pid: int | None) -> None:
    """What a crashed host or a cut network looks like to the server: the session is gone."""
    admin = await asyncpg.connect(DSN)
    try:
        await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def become_leader(candidate: PostgresLeadership, retry_s: float = 0.2) -> None:
    """Retry as a standby does, until it leads; the ceiling only catches a hang."""
    began = time.monotonic()
    while not await candidate.acquire():
        assert time.monotonic() - began < HANG_S, "hung: no new leader at all"
        await asyncio.sleep(retry_s)


@pytest.fixture
async def candidates() -> AsyncIterator[tuple[PostgresLeadership, PostgresLeadership]]:
    try:
        probe = await asyncpg.connect(DSN, timeout=3)
    except OSError as error:
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    await probe.close()
    name = f"test-leader-{uuid.uuid4().hex}"
    first, second = PostgresLeadership(DSN, name=name), PostgresLeadership(DSN, name=name)
    yield first, second
    await first.release()
    await second.release()


@pytest.mark.postgres
async def test_only_one_candidate_leads(
    candidates: tuple[PostgresLeadership, PostgresLeadership],
) -> None:
    first, second = candidates
    assert (await first.acquire(), await second.acquire()) == (True, False)
    assert (await first.held(), await second.held()) == (True, False)


@pytest.mark.postgres
async def test_standby_takes_over_when_the_leader_connection_dies(
    candidates: tuple[PostgresLeadership, PostgresLeadership],
) -> None:
    first, second = candidates
    assert await first.acquire()
    await kill_backend(first.backend_pid)
    await become_leader(second)
    assert (await first.held(), await second.held()) == (False, True)
    assert await first.acquire() is False  # the old leader comes back as a standby


@pytest.mark.postgres
async def test_standby_takes_over_at_once_when_the_leader_stops(
    candidates: tuple[PostgresLeadership, PostgresLeadership],
) -> None:
    first, second = candidates
    assert await first.acquire()
    await first.release()
    assert await second.acquire()


def test_lock_keys_are_stable_signed_64_bit() -> None:
    key = lock_key("coordinator-worker")
    assert key == lock_key("coordinator-worker")
    assert -(2**63) <= key < 2**63
    assert key != lock_key("coordinator-worker-2")


async def test_sqlite_allows_one_worker_per_database_file(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "coordinator.db"))
    first, second = leadership_for(store), leadership_for(store)
    assert isinstance(first, FileLeadership)
    assert (await first.acquire(), await second.acquire()) == (True, False)
    await first.release()
    assert await second.acquire()
    await second.release()
    await store.close()
    assert first.path == tmp_path / "coordinator.db.worker.lock"


async def test_in_memory_sqlite_always_leads() -> None:
    store = Store("sqlite+aiosqlite:///:memory:")
    assert isinstance(leadership_for(store), AlwaysLeader)
    await store.close()
