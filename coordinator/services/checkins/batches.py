"""One batch of check-ins, one transaction: read what it touches, plan it, write it.

Every row goes through `INSERT ... ON CONFLICT DO NOTHING ... RETURNING`; a row that another
writer (another process, on PostgreSQL) stored first makes the batch roll back and run again,
when the store now shows that row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from coordinator import models
from coordinator.attendance import (
    Answer,
    BatchPlan,
    LessonTimes,
    Lookups,
    Policy,
    Recorded,
    Scope,
    StoredAnswer,
    Submission,
    plan_batch,
    rows,
)
from coordinator.errors import CoordinatorError
from coordinator.services.api_tokens import assistants_for
from coordinator.store import Store

log = logging.getLogger(__name__)

RETRIES = 5
ANSWERS: Table = models.IdempotencyRecordRow.__table__  # type: ignore[attr-defined]
ATTENDANCE: Table = models.AttendanceRow.__table__  # type: ignore[attr-defined]
CORRECTIONS: Table = models.AttendanceCorrectionRow.__table__  # type: ignore[attr-defined]
PROBLEMS: Table = models.ProblemReportRow.__table__  # type: ignore[attr-defined]
LESSONS: Table = models.LessonRow.__table__  # type: ignore[attr-defined]
LINKS: Table = models.LessonClassroomRow.__table__  # type: ignore[attr-defined]
CLASSROOMS: Table = models.ClassroomRow.__table__  # type: ignore[attr-defined]


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


async def record_batch(
    store: Store, submissions: Sequence[Submission], policy: Policy
) -> list[Answer | CoordinatorError]:
    """Plan and write a batch in one transaction; each request's answer or refusal, in order."""
    for attempt in range(1, RETRIES + 1):
        try:
            async with store.writer.begin() as connection:  # BEGIN IMMEDIATE on SQLite
                lookups = await load_lookups(connection, submissions)
                plan = plan_batch(list(submissions), lookups, policy)
                await write_plan(connection, plan, postgres=not store.is_sqlite)
            return plan.results
        except LostRaceError:
            log.info(
                "check-in batch of %d lost a race (attempt %d); again", len(submissions), attempt
            )
    raise CheckinUnavailableError("check-ins are contended; retry with the same Idempotency-Key")


async def load_lookups(connection: AsyncConnection, batch: Sequence[Submission]) -> Lookups:
    """What the store holds for this batch, in four queries whatever the batch's size."""
    hashes = sorted({s.token_hash for s in batch if s.assistant_id is None})
    assistants = await assistants_for(connection, hashes) if hashes else {}
    known = set(assistants.values()) | {s.assistant_id for s in batch if s.assistant_id}
    lesson_keys = sorted({s.report.lesson_key for s in batch})
    classroom_ids = sorted({s.report.classroom_id for s in batch})
    return Lookups(
        assistants=assistants,
        answers=await _answers(connection, known, {s.key for s in batch}),
        scopes=await _scopes(connection, lesson_keys, classroom_ids),
        recorded=await _recorded(connection, lesson_keys, classroom_ids),
    )


async def _answers(
    connection: AsyncConnection, assistant_ids: set[str], keys: set[str]
) -> dict[tuple[str, str], StoredAnswer]:
    if not assistant_ids:
        return {}
    query = select(ANSWERS).where(
        ANSWERS.c.assistant_id.in_(sorted(assistant_ids)), ANSWERS.c.key.in_(sorted(keys))
    )
    found = (await connection.execute(query)).all()
    return {(row.assistant_id, row.key): rows.stored_from_row(row) for row in found}


async def _scopes(
    connection: AsyncConnection, lesson_keys: list[str], classroom_ids: list[str]
) -> dict[tuple[str, str], Scope]:
    query = (
        select(
            LESSONS.c.key,
            LESSONS.c.start,
            LESSONS.c.end,
            LINKS.c.classroom_id,
            CLASSROOMS.c.assistant_id,
        )
        .join(LINKS, LINKS.c.lesson_key == LESSONS.c.key)
        .join(CLASSROOMS, CLASSROOMS.c.id == LINKS.c.classroom_id)
        .where(LESSONS.c.key.in_(lesson_keys), LINKS.c.classroom_id.in_(classroom_ids))
    )
    return {
        (row.key, row.classroom_id): Scope(
            LessonTimes(row.key, row.start, row.end), row.assistant_id
        )
        for row in (await connection.execute(query)).all()
    }


async def _recorded(
    connection: AsyncConnection, lesson_keys: list[str], classroom_ids: list[str]
) -> dict[tuple[str, str, str], Recorded]:
    query = select(ATTENDANCE).where(
        ATTENDANCE.c.lesson_key.in_(lesson_keys), ATTENDANCE.c.classroom_id.in_(classroom_ids)
    )
    return {
        (row.lesson_key, row.classroom_id, row.kind): rows.recorded_from_row(row)
        for row in (await connection.execute(query)).all()
    }


async def write_plan(connection: AsyncConnection, plan: BatchPlan, *, postgres: bool) -> None:
    insert = postgresql.insert if postgres else sqlite.insert
    await _insert_all(connection, insert, ANSWERS, rows.answer_rows(plan))
    await _insert_all(connection, insert, ATTENDANCE, rows.attendance_rows(plan))
    for slot, (old_revision, recorded) in plan.updated.items():
        await _update_attendance(connection, slot, old_revision, recorded)
    await _insert_all(connection, insert, CORRECTIONS, rows.correction_rows(plan))
    await _insert_all(connection, insert, PROBLEMS, rows.problem_rows(plan))


async def _insert_all(
    connection: AsyncConnection, insert: Any, table: Table, values: list[dict[str, Any]]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING; a row that was not inserted means a lost race."""
    if not values:
        return
    statement = insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
    result = await connection.execute(statement, values)
    if len(result.all()) != len(values):
        raise LostRaceError(table.name)


async def _update_attendance(
    connection: AsyncConnection, slot: tuple[str, str, str], old_revision: int, recorded: Recorded
) -> None:
    lesson_key, classroom_id, kind = slot
    result = await connection.execute(
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
