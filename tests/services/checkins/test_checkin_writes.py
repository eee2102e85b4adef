"""How check-in batches reach the disk: SQLite's read-then-write path, big batches, storage."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert
from sqlmodel import SQLModel

from coordinator import models
from coordinator.attendance import (
    Answer,
    AuthenticationError,
    BatchPlan,
    Recorded,
    StoredAnswer,
)
from coordinator.attendance.reports import ReportFields
from coordinator.attendance.rows import answer_rows, attendance_rows
from coordinator.attendance.timing import Timing
from coordinator.services.accounts.api_tokens import revoke_tokens
from coordinator.services.checkins import CheckinConfig, CheckinWriter, record_batch
from coordinator.services.checkins.batches import (
    ANSWERS,
    ATTENDANCE,
    record_batch_apart,
    write_plan,
)
from coordinator.store import Store
from tests.attendance.seed import NOW, Seeded, seed
from tests.services.checkins.test_checkins import rows, submission

POLICY = CheckinConfig().policy


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(str(tmp_path / "coordinator.db"))
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    yield store
    await store.close()


@pytest.fixture
def engines(sqlite_store: Store) -> Iterator[tuple[Engine, Engine]]:
    reader = sqlite_store.blocking_engine(write=False)
    writer = sqlite_store.blocking_engine(write=True)
    yield reader, writer
    reader.dispose()
    writer.dispose()


def before_writing(
    first: Callable[[], Awaitable[None]],
) -> Callable[[Callable[[], None]], Awaitable[None]]:
    """An `offload` that lets something else happen between the snapshot and the first
    write transaction (another process, as far as the database can tell), then writes."""
    attempts: list[None] = []

    async def offload(write: Callable[[], None]) -> None:
        if not attempts:
            attempts.append(None)
            await first()
        await asyncio.to_thread(write)

    return offload


async def test_a_token_revoked_after_the_snapshot_is_refused(
    sqlite_store: Store, engines: tuple[Engine, Engine]
) -> None:
    seeded = await seed(sqlite_store)

    async def revoke() -> None:
        await revoke_tokens(sqlite_store, now=NOW, assistant_id="a-li")

    (result,) = await record_batch_apart(
        *engines, [submission(seeded.li, "k")], POLICY, offload=before_writing(revoke)
    )
    assert isinstance(result, AuthenticationError)
    assert await rows(sqlite_store, models.AttendanceRow) == 0


async def test_a_key_another_writer_stored_after_the_snapshot_is_replayed(
    sqlite_store: Store, engines: tuple[Engine, Engine]
) -> None:
    seeded = await seed(sqlite_store)
    first: list[object] = []

    async def other_writer() -> None:
        first.extend(await record_batch(sqlite_store, [submission(seeded.li, "k")], POLICY))

    (result,) = await record_batch_apart(
        *engines, [submission(seeded.li, "k")], POLICY, offload=before_writing(other_writer)
    )
    assert isinstance(result, Answer)
    assert isinstance(first[0], Answer)
    assert (first[0].status, result.status, result.replayed) == (201, 200, True)
    assert result.body == first[0].body
    assert (
        await rows(sqlite_store, models.AttendanceRow),
        await rows(sqlite_store, models.IdempotencyRecordRow),
    ) == (1, 1)


async def test_a_report_another_writer_stored_after_the_snapshot_becomes_a_correction(
    sqlite_store: Store, engines: tuple[Engine, Engine]
) -> None:
    seeded = await seed(sqlite_store)

    async def other_writer() -> None:
        await record_batch(sqlite_store, [submission(seeded.li, "first", 30)], POLICY)

    (result,) = await record_batch_apart(
        *engines,
        [submission(seeded.li, "second", 31)],
        POLICY,
        offload=before_writing(other_writer),
    )
    assert isinstance(result, Answer)
    assert (result.status, result.body["outcome"], result.body["report"]["revision"]) == (
        201,
        "corrected",
        1,
    )
    assert await rows(sqlite_store, models.AttendanceCorrectionRow) == 1


async def test_a_batch_larger_than_one_insert_statement(store: Store) -> None:
    seeded: Seeded = await seed(store)
    batch = [submission(seeded.li, f"k-{n}", 30 + n % 2) for n in range(250)]
    results = await record_batch(store, batch, POLICY)
    assert [r.status for r in results if isinstance(r, Answer)] == [201] * 250
    assert (
        await rows(store, models.AttendanceRow),
        await rows(store, models.IdempotencyRecordRow),
        await rows(store, models.AttendanceCorrectionRow),
    ) == (1, 250, 249)


async def test_the_sqlite_group_commit_writer_answers_many_at_once(sqlite_store: Store) -> None:
    seeded = await seed(sqlite_store)
    writer = CheckinWriter(sqlite_store, CheckinConfig())
    await writer.start()
    rooms = ["c-east-3", "c-east-3", "c-west-3"]
    tokens = [seeded.li, seeded.li, seeded.zhao]
    answers = await asyncio.gather(
        *(
            writer.submit(submission(token, f"k-{n}", room=room))
            for n, (token, room) in enumerate(zip(tokens * 20, rooms * 20, strict=True))
        )
    )
    await writer.stop()
    assert {a.status for a in answers} == {201}
    assert (
        await rows(sqlite_store, models.AttendanceRow),
        await rows(sqlite_store, models.IdempotencyRecordRow),
    ) == (2, 60)


def test_one_insert_per_table_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    """SQLite's multi-row INSERT converts values with the columns' own types: the bytes on
    disk are those of an ordinary SQLAlchemy insert (times, JSON, booleans, NULLs)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'same.db'}")  # no foreign keys: rows alone
    SQLModel.metadata.create_all(engine)
    at = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    plan = BatchPlan()
    body = {"outcome": "recorded", "note": "信号好", "gone": None}
    plan.answers[("a", "k1")] = StoredAnswer("f" * 64, 201, body, at)
    plan.inserted[("l", "c1", "check_in")] = Recorded(
        "a",
        ReportFields(students_present=3, stream_up=True),
        Timing(at, at + dt.timedelta(microseconds=5), -2, False),
        "k1",
    )
    with engine.begin() as connection:  # the same rows, by SQLAlchemy, under other keys
        connection.execute(insert(ANSWERS), [r | {"key": "k0"} for r in answer_rows(plan)])
        ordinary = [r | {"classroom_id": "c0"} for r in attendance_rows(plan)]
        connection.execute(insert(ATTENDANCE), ordinary)
        write_plan(connection, plan)
    engine.dispose()
    with sqlite3.connect(tmp_path / "same.db") as raw:
        answers = raw.execute("SELECT * FROM idempotency_record ORDER BY key").fetchall()
        reports = raw.execute("SELECT * FROM attendance ORDER BY classroom_id").fetchall()
    assert len(answers) == len(reports) == 2
    assert answers[0][2:] == answers[1][2:]
    assert reports[0][2:] == reports[1][2:]
    assert [type(v) for v in reports[0]] == [type(v) for v in reports[1]]
