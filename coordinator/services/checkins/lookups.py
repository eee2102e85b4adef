"""What the store holds for one batch of check-ins: four queries, whatever the batch's size.

Each query asks for exact pairs — (assistant, Idempotency-Key), (lesson, classroom) — not
for every combination of two lists: with `a IN (...) AND b IN (...)` PostgreSQL 15 probes
the two-column primary key once per combination (60 assistants x 100 keys = 6,000 probes
for a batch of 100; that one lookup cost more than the rest of the batch together). The
pairs go as parameters whose number does not depend on the batch's size, so each statement
has one text, parsed and planned once: on PostgreSQL two arrays, `JOIN LATERAL` over
`unnest($1, $2)` (asyncpg prepares it once per connection); on SQLite one JSON array,
`json_each(?)` (a row-value `IN (VALUES ...)` made SQLite scan the table).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Connection,
    Select,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    true,
)

from coordinator import models
from coordinator.attendance import LessonTimes, Lookups, Scope, Submission, rows
from coordinator.services.accounts.api_tokens import valid_tokens_query

ANSWERS: Table = models.IdempotencyRecordRow.__table__  # type: ignore[attr-defined]
ATTENDANCE: Table = models.AttendanceRow.__table__  # type: ignore[attr-defined]
LESSONS: Table = models.LessonRow.__table__  # type: ignore[attr-defined]
LINKS: Table = models.LessonClassroomRow.__table__  # type: ignore[attr-defined]
CLASSROOMS: Table = models.ClassroomRow.__table__  # type: ignore[attr-defined]
TOKENS: Table = models.ApiTokenRow.__table__  # type: ignore[attr-defined]
Pairs = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Queries:
    """The lookups for one database; `pairs` and `hashes` give the parameters they take."""

    tokens: Select[str, str]
    answers: Select[Any]
    scopes: Select[Any]
    recorded: Select[Any]
    by_arrays: bool

    def pairs(self, pairs: Pairs) -> dict[str, Any]:
        if self.by_arrays:
            return {"firsts": [a for a, _ in pairs], "seconds": [b for _, b in pairs]}
        return {"pairs": json.dumps(pairs)}

    def hashes(self, hashes: list[str]) -> dict[str, Any]:
        return {"hashes": hashes if self.by_arrays else json.dumps(hashes)}


def load_lookups(connection: Connection, batch: Sequence[Submission]) -> Lookups:
    """What the store holds for this batch: valid tokens, stored answers, scopes, reports."""
    queries = queries_for(connection.dialect.name)
    hashes = sorted({s.token_hash for s in batch if s.assistant_id is None})
    assistants = valid_tokens(connection, hashes) if hashes else {}
    asked = sorted(
        {
            (assistant_id, s.key)
            for s in batch
            if (assistant_id := s.assistant_id or assistants.get(s.token_hash))
        }
    )
    slots = sorted({(s.report.lesson_key, s.report.classroom_id) for s in batch})
    answers = {}
    if asked:
        stored = connection.execute(queries.answers, queries.pairs(asked))
        answers = {(row.assistant_id, row.key): rows.stored_from_row(row) for row in stored}
    return Lookups(
        assistants=assistants,
        answers=answers,
        scopes={
            (row.key, row.classroom_id): Scope(
                LessonTimes(row.key, row.start, row.end), row.assistant_id
            )
            for row in connection.execute(queries.scopes, queries.pairs(slots))
        },
        recorded={
            (row.lesson_key, row.classroom_id, row.kind): rows.recorded_from_row(row)
            for row in connection.execute(queries.recorded, queries.pairs(slots))
        },
    )


def valid_tokens(connection: Connection, hashes: list[str]) -> dict[str, str]:
    """Token hash -> assistant id, for the tokens that are valid now."""
    queries = queries_for(connection.dialect.name)
    found = connection.execute(queries.tokens, queries.hashes(hashes))
    return {row.token_hash: row.assistant_id for row in found}


@functools.cache
def queries_for(dialect: str) -> Queries:
    by_arrays = dialect == "postgresql"
    pairs = _pairs_by_arrays if by_arrays else _pairs_by_json
    if by_arrays:
        one_of_hashes = TOKENS.c.token_hash == any_(bindparam("hashes", type_=ARRAY(String)))
    else:
        listed = func.json_each(bindparam("hashes", type_=String)).table_valued(
            "value", name="wanted"
        )
        one_of_hashes = TOKENS.c.token_hash.in_(select(listed.c.value))
    return Queries(
        tokens=valid_tokens_query(one_of_hashes),
        answers=pairs(select(ANSWERS), ANSWERS.c.assistant_id, ANSWERS.c.key),
        scopes=pairs(
            select(
                LESSONS.c.key,
                LESSONS.c.start,
                LESSONS.c.end,
                LINKS.c.classroom_id,
                CLASSROOMS.c.assistant_id,
            )
            .select_from(LINKS)
            .join(LESSONS, LESSONS.c.key == LINKS.c.lesson_key)
            .join(CLASSROOMS, CLASSROOMS.c.id == LINKS.c.classroom_id),
            LINKS.c.lesson_key,
            LINKS.c.classroom_id,
        ),
        recorded=pairs(select(ATTENDANCE), ATTENDANCE.c.lesson_key, ATTENDANCE.c.classroom_id),
        by_arrays=by_arrays,
    )


def _pairs_by_json(query: Select[Any], first: Column[Any], second: Column[Any]) -> Select[Any]:
    """For each wanted pair, the query's rows for that pair (SQLite: the pairs as one JSON
    array, `json_each`, an index probe per pair)."""
    wanted = func.json_each(bindparam("pairs", type_=String)).table_valued("value", name="wanted")
    return query.where(
        first == func.json_extract(wanted.c.value, "$[0]"),
        second == func.json_extract(wanted.c.value, "$[1]"),
    )


def _pairs_by_arrays(query: Select[Any], first: Column[Any], second: Column[Any]) -> Select[Any]:
    """For each wanted pair, the query's rows for that pair (LATERAL: one index probe per
    pair, as PostgreSQL plans it once the table's statistics are current)."""
    wanted = (
        func.unnest(
            bindparam("firsts", type_=ARRAY(String)), bindparam("seconds", type_=ARRAY(String))
        )
        .table_valued("first", "second")
        .render_derived(name="wanted")
    )
    # OFFSET 0 keeps PostgreSQL from flattening the subquery into a join, which it planned
    # as a hash join over the whole table
    per_pair = query.where(first == wanted.c.first, second == wanted.c.second)
    found = per_pair.offset(literal_column("0")).lateral("found")
    return select(*found.c).select_from(wanted).join(found, true())
