"""The SQL a check-in batch sends: one text per statement whatever the batch's size, index
probes per (assistant, key) and (lesson, classroom) pair, and rows stored as SQLAlchemy
stores them — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, text

from coordinator.attendance import Answer, BatchPlan, Recorded, StoredAnswer
from coordinator.attendance.reports import ReportFields
from coordinator.attendance.rows import answer_rows, attendance_rows
from coordinator.attendance.timing import Timing
from coordinator.services.checkins import record_batch
from coordinator.services.checkins.batches import ANSWERS, ATTENDANCE, write_plan
from coordinator.services.checkins.lookups import queries_for
from coordinator.store import Store
from tests.attendance.seed import ART, MUSIC, Seeded, seed
from tests.services.checkins.test_checkin_writes import POLICY
from tests.services.checkins.test_checkins import submission
from tests.sql import sent_statements


def batch(seeded: Seeded, size: int, prefix: str) -> list[Any]:
    """`size` reports from both assistants over all three classrooms: corrections after
    the first of each (lesson, classroom), each with its own key."""
    places = [(seeded.li, MUSIC, "c-east-3"), (seeded.zhao, MUSIC, "c-west-3")]
    places.append((seeded.li, ART, "c-east-4"))
    return [
        submission(token, f"{prefix}-{n}", 20 + n % 7, lesson=lesson, room=room)
        for n, (token, lesson, room) in ((n, places[n % 3]) for n in range(size))
    ]


async def test_every_batch_size_sends_the_same_lookups(store: Store) -> None:
    """One text per lookup (PostgreSQL: per insert too), so each is parsed, planned and
    prepared once, not once per batch size."""
    seeded = await seed(store)
    lookups: list[set[str]] = []
    inserts: dict[str, set[str]] = {}
    for size in (1, 3, 40):
        with sent_statements(store.writer.sync_engine) as sent:
            results = await record_batch(store, batch(seeded, size, f"s{size}"), POLICY)
        assert all(isinstance(r, Answer) for r in results)
        lookups.append({s for s in sent if s.lstrip().startswith("SELECT")})
        for sql in (s for s in sent if s.startswith("INSERT INTO")):
            inserts.setdefault(sql.split()[2], set()).add(sql)
    assert lookups[0] == lookups[1] == lookups[2]
    assert len(lookups[0]) == 4  # tokens, answers, scopes, reports
    assert set(inserts) == {"idempotency_record", "attendance", "attendance_correction"}
    if not store.is_sqlite:  # SQLite's VALUES list grows with the batch (see inserts.py)
        assert all(len(texts) == 1 for texts in inserts.values()), inserts


async def test_sqlite_probes_each_pair_by_index(store: Store) -> None:
    """A row-value `(a, b) IN (VALUES ...)` made SQLite scan the whole table per batch."""
    if not store.is_sqlite:
        return
    queries = queries_for("sqlite")
    pairs = queries.pairs([("l", "c"), ("m", "d")]) | queries.hashes(["h1", "h2"])
    async with store.reader.connect() as connection:
        for name, statement in (
            ("tokens", queries.tokens),
            ("answers", queries.answers),
            ("scopes", queries.scopes),
            ("recorded", queries.recorded),
        ):
            literal = statement.params(pairs).compile(
                connection.sync_engine, compile_kwargs={"literal_binds": True}
            )
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {literal}")
            steps = [str(detail) for *_, detail in plan]
            scans = [step for step in steps if step.startswith("SCAN")]
            assert scans == ["SCAN wanted VIRTUAL TABLE INDEX 1:"], (name, steps)
            assert any(step.startswith("SEARCH") for step in steps), (name, steps)


async def test_postgresql_probes_each_pair_not_each_combination(store: Store) -> None:
    """With statistics (as autovacuum keeps them), one primary-key probe per pair asked:
    `assistant IN (...) AND key IN (...)` probed every combination of the two lists."""
    if store.is_sqlite:
        return
    seeded = await seed(store)
    for part in range(4):  # 600 stored answers, 2 assistants
        await record_batch(store, batch(seeded, 150, f"p{part}"), POLICY)
    async with store.writer.begin() as connection:
        await connection.exec_driver_sql("ANALYZE idempotency_record")
    pairs = [("a-li", f"p0-{n}") for n in range(0, 150, 3)]
    queries = queries_for("postgresql")
    sql = str(queries.answers.compile(store.writer.sync_engine))
    async with store.reader.connect() as connection:
        plan = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}",
            ([a for a, _ in pairs], [k for _, k in pairs]),
        )
        (document,) = plan.one()
    nodes = list(_nodes((document if isinstance(document, list) else json.loads(document))[0]))
    probes = [n for n in nodes if n.get("Relation Name") == "idempotency_record"]
    assert [p["Node Type"] for p in probes] == ["Index Scan"], nodes
    assert probes[0]["Actual Loops"] == len(pairs)
    assert sum(int(n["Actual Rows"]) for n in nodes[:1]) == len(pairs)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    node = node.get("Plan", node)
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


async def test_batch_inserts_store_what_sqlalchemy_stores(store: Store) -> None:
    """The batch's own INSERT (SQLite: one VALUES list; PostgreSQL: unnest over arrays)
    converts values with the columns' types: read back, its rows equal an ordinary
    SQLAlchemy insert's (times with zones, JSON with Chinese, booleans, NULLs)."""
    await seed(store)
    at = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    plan = BatchPlan()
    body = {"outcome": "recorded", "note": "信号好", "gone": None, "n": [1, 2.5]}
    plan.answers[("a-li", "k1")] = StoredAnswer("f" * 64, 201, body, at)
    plan.inserted[(MUSIC, "c-east-3", "check_in")] = Recorded(
        "a-li",
        ReportFields(students_present=3, stream_up=True, note="网络'断了\"再连"),
        Timing(at, at + dt.timedelta(microseconds=5), -2, False),
        "k1",
    )
    async with store.writer.begin() as connection:  # the same rows, by SQLAlchemy, other keys
        await connection.execute(insert(ANSWERS), [r | {"key": "k0"} for r in answer_rows(plan)])
        ordinary = [r | {"classroom_id": "c-west-3"} for r in attendance_rows(plan)]
        await connection.execute(insert(ATTENDANCE), ordinary)
        await connection.run_sync(write_plan, plan)
    async with store.reader.connect() as connection:
        answers = (
            await connection.execute(text("SELECT * FROM idempotency_record ORDER BY key"))
        ).all()
        reports = (
            await connection.execute(text("SELECT * FROM attendance ORDER BY classroom_id"))
        ).all()
    assert len(answers) == len(reports) == 2
    assert answers[0][2:] == answers[1][2:]
    stored = answers[1].body
    assert (json.loads(stored) if isinstance(stored, str) else stored) == body
    assert reports[0][2:] == reports[1][2:]
    assert [type(v) for v in reports[0]] == [type(v) for v in reports[1]]
