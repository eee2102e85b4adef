"""One batch of check-ins, one transaction: read what it touches, plan it, write it.

The batch itself is plain synchronous SQLAlchemy Core on a connection: `record_batch` runs
it inside `AsyncConnection.run_sync` (PostgreSQL's group commit, and the naive path), where
the driver's round trips are the only waits; SQLite's group commit splits it in two
(`record_batch_apart`). The lookups are in lookups.py, the inserts in inserts.py.

Every row goes through `INSERT ... ON CONFLICT DO NOTHING` (see inserts.py); a row that
another writer (another process) stored first makes the batch roll back and run again, when
the store now shows that row.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, update

from coordinator import models
from coordinator.attendance import (
    Answer,
    BatchPlan,
    Lookups,
    Policy,
    Recorded,
    Submission,
    plan_batch,
    rows,
)
from coordinator.errors import CoordinatorError
from coordinator.services.checkins.inserts import insert_rows
from coordinator.services.checkins.lookups import load_lookups, valid_tokens
from coordinator.store import Store

log = logging.getLogger(__name__)

RETRIES = 5
ANSWERS: Table = models.IdempotencyRecordRow.__table__  # type: ignore[attr-defined]
ATTENDANCE: Table = models.AttendanceRow.__table__  # type: ignore[attr-defined]
CORRECTIONS: Table = models.AttendanceCorrectionRow.__table__  # type: ignore[attr-defined]
PROBLEMS: Table = models.ProblemReportRow.__table__  # type: ignore[attr-defined]
Results = list[Answer | CoordinatorError]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class CheckinConfig:
    """How check-ins are written; the defaults are the production ones."""

    policy: Policy = field(default_factory=Policy)
    group_commit: bool = True
    max_batch: int = 256  # rows per transaction; bounds SQL parameters and latency
    linger_ms: float = 0.0  # wait this long for company before committing a batch
    clock: Callable[[], dt.datetime] = utc_now


class CheckinUnavailableError(CoordinatorError):
    """The check-in could not be stored now; the client should retry with the same key."""

    code = "unavailable"


class LostRaceError(Exception):
    """Another writer stored one of the batch's rows first; the batch runs again."""


async def record_batch(store: Store, submissions: Sequence[Submission], policy: Policy) -> Results:
    """Plan and write a batch in one transaction; each request's answer or refusal, in order."""
    for attempt in range(1, RETRIES + 1):
        try:
            async with store.writer.begin() as connection:  # BEGIN IMMEDIATE on SQLite
                return await connection.run_sync(write_batch, submissions, policy)
        except LostRaceError:
            _lost(len(submissions), attempt)
    raise _contended()


async def record_batch_apart(
    reader: Engine,
    writer: Engine,
    submissions: Sequence[Submission],
    policy: Policy,
    *,
    offload: Callable[[Callable[[], None]], Awaitable[None]],
) -> Results:
    """`record_batch` for SQLite from the event loop, holding the write lock only to write.

    SQLite has one writer at a time (across processes), so what counts is how long the lock
    is held. The lookups and the plan come from a read snapshot first, here on the loop (a
    few indexed reads of pages in memory); then `offload` runs the write transaction in a
    thread in one go: wait for the lock, check the tokens again (a token revoked since the
    snapshot is refused), write, COMMIT (fsync). The rows the plan writes are checked by the
    writes themselves (ON CONFLICT, the revision), so a batch that raced another writer runs
    again from a new snapshot. Whose classroom it is and the lesson's times come from the
    snapshot: an administrator's change landing in the same milliseconds counts as after.
    """
    for attempt in range(1, RETRIES + 1):
        with reader.connect() as connection:
            lookups = load_lookups(connection, submissions)
        plan = plan_batch(list(submissions), lookups, policy)
        try:
            await offload(functools.partial(_write_now, writer, lookups, plan))
        except LostRaceError:
            _lost(len(submissions), attempt)
            continue
        return plan.results
    raise _contended()


def _write_now(writer: Engine, lookups: Lookups, plan: BatchPlan) -> None:
    with writer.begin() as connection:  # BEGIN IMMEDIATE: waits for the write lock
        if lookups.assistants and _valid_tokens(connection, lookups) != lookups.assistants:
            raise LostRaceError("api_token")
        write_plan(connection, plan)


def _lost(size: int, attempt: int) -> None:
    log.info("check-in batch of %d lost a race (attempt %d); again", size, attempt)


def _contended() -> CheckinUnavailableError:
    return CheckinUnavailableError("check-ins are contended; retry with the same Idempotency-Key")


def write_batch(
    connection: Connection, submissions: Sequence[Submission], policy: Policy
) -> Results:
    """Inside an open transaction: look up, plan and write; the answers, in order."""
    plan = plan_batch(list(submissions), load_lookups(connection, submissions), policy)
    write_plan(connection, plan)
    return plan.results


def _valid_tokens(connection: Connection, lookups: Lookups) -> dict[str, str]:
    """The batch's valid tokens now (one revoked since the snapshot drops out)."""
    return valid_tokens(connection, sorted(lookups.assistants))


def write_plan(connection: Connection, plan: BatchPlan) -> None:
    _insert_all(connection, ANSWERS, rows.answer_rows(plan))
    _insert_all(connection, ATTENDANCE, rows.attendance_rows(plan))
    for slot, (old_revision, recorded) in plan.updated.items():
        _update_attendance(connection, slot, old_revision, recorded)
    _insert_all(connection, CORRECTIONS, rows.correction_rows(plan))
    _insert_all(connection, PROBLEMS, rows.problem_rows(plan))


def _insert_all(connection: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    """ON CONFLICT DO NOTHING; a row that was not inserted means a lost race."""
    if values and insert_rows(connection, table, values) != len(values):
        raise LostRaceError(table.name)


def _update_attendance(
    connection: Connection, slot: tuple[str, str, str], old_revision: int, recorded: Recorded
) -> None:
    lesson_key, classroom_id, kind = slot
    result = connection.execute(
        update(ATTENDANCE)
        .where(
            ATTENDANCE.c.lesson_key == lesson_key,
            ATTENDANCE.c.classroom_id == classroom_id,
            ATTENDANCE.c.kind == kind,
            ATTENDANCE.c.revision == old_revision,
        )
        .values(**rows.correction_values(recorded))
    )
    if result.rowcount != 1:
        raise LostRaceError("attendance")


async def purge_answers(store: Store, *, before: dt.datetime) -> int:
    """Forget remembered answers older than `before` (keep at least `max_report_age`)."""
    async with store.writer.begin() as connection:
        result = await connection.execute(delete(ANSWERS).where(ANSWERS.c.created_at < before))
    return int(result.rowcount)
