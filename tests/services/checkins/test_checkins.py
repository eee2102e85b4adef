"""The check-in writer: group commit, the naive path, races between writers, published lessons."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from coordinator import models
from coordinator.attendance import (
    Answer,
    AuthenticationError,
    Submission,
    fingerprint,
    parse_report,
)
from coordinator.services.accounts.api_tokens import hash_token, issue_token
from coordinator.services.checkins import (
    CheckinConfig,
    CheckinUnavailableError,
    CheckinWriter,
    purge_answers,
    record_batch,
)
from coordinator.services.data.imports import import_bundle
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import SolverSettings
from coordinator.store import Store
from tests.attendance.seed import MUSIC, NOW, Seeded, seed
from tests.conftest import POSTGRES_URL
from tests.factories import small_bundle


def submission(
    token: str,
    key: str,
    students: int = 30,
    *,
    lesson: str = MUSIC,
    room: str = "c-east-3",
    now: dt.datetime = NOW,
) -> Submission:
    body = {
        "lesson_key": lesson,
        "classroom_id": room,
        "kind": "check_in",
        "device_time": now.isoformat(),
        "fields": {"stream_up": True, "students_present": students},
    }
    return Submission(
        hash_token(token), key, fingerprint("POST", "/c", body), parse_report(body), now
    )


async def rows(store: Store, model: type[Any]) -> int:
    async with store.read() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


@pytest.fixture
async def seeded(store: Store) -> Seeded:
    return await seed(store)


async def second_store(store: Store) -> Store:
    """Another Store on the same database: another process, as far as the database can tell."""
    if store.is_sqlite:
        return Store(str(store.url))
    async with store.reader.connect() as connection:
        schema = (await connection.execute(text("SHOW search_path"))).scalar_one()
    return Store(POSTGRES_URL, search_path=schema.strip('"'))


@pytest.mark.parametrize("group_commit", [True, False], ids=["group", "naive"])
async def test_both_paths_answer_alike(store: Store, seeded: Seeded, group_commit: bool) -> None:
    writer = CheckinWriter(store, CheckinConfig(group_commit=group_commit))
    await writer.start()
    answers = await asyncio.gather(*(writer.submit(submission(seeded.li, "k")) for _ in range(10)))
    await writer.stop()
    assert sorted(a.status for a in answers) == [200] * 9 + [201]
    assert (await rows(store, models.AttendanceRow), len({str(a.body) for a in answers})) == (1, 1)


async def test_one_batch_holds_many_requests(store: Store, seeded: Seeded) -> None:
    batch = [submission(seeded.li, f"k-{n}", 30 + n % 2) for n in range(6)]
    results = await record_batch(store, batch, CheckinConfig().policy)
    outcomes = [r.body["outcome"] for r in results if isinstance(r, Answer)]
    assert outcomes == ["recorded", "corrected", "corrected", "corrected", "corrected", "corrected"]
    assert (
        await rows(store, models.AttendanceCorrectionRow),
        await rows(store, models.IdempotencyRecordRow),
    ) == (5, 6)


async def test_two_writers_racing_on_the_same_keys_store_each_once(
    store: Store,
    seeded: Seeded,
) -> None:
    other = await second_store(store)
    writers = [CheckinWriter(s, CheckinConfig()) for s in (store, other)]
    for writer in writers:
        await writer.start()
        with pytest.raises(AuthenticationError):  # connects, so that the race starts level
            await writer.submit(submission("cot_unknown", "warm-up"))
    keys = [f"k-{n % 7}" for n in range(40)]  # the outbox and a retry, from two servers
    answers = await asyncio.gather(
        *(writers[n % 2].submit(submission(seeded.li, key)) for n, key in enumerate(keys))
    )
    for writer in writers:
        await writer.stop()
    await other.close()
    assert sorted(a.status for a in answers).count(201) == 7
    assert (
        await rows(store, models.AttendanceRow),
        await rows(store, models.IdempotencyRecordRow),
    ) == (1, 7)


async def test_stop_answers_what_was_queued_then_refuses(store: Store, seeded: Seeded) -> None:
    writer = CheckinWriter(store, CheckinConfig(linger_ms=20))
    await writer.start()
    pending = [
        asyncio.create_task(writer.submit(submission(seeded.li, f"k-{n}"))) for n in range(5)
    ]
    await asyncio.sleep(0)
    await writer.stop()
    assert sorted(task.result().status for task in pending) == [201] * 5
    with pytest.raises(CheckinUnavailableError):
        await writer.submit(submission(seeded.li, "late"))


async def test_check_in_on_a_published_lesson(store: Store) -> None:
    now = dt.datetime(2026, 8, 30, 1, 0, tzinfo=dt.UTC)
    await import_bundle(store, small_bundle(), source="test", now=now)
    await solve_and_store(store, SolverSettings(num_workers=1, time_limit_s=10), now=now)
    await publish_lessons(store, now=now, today=dt.date(2026, 9, 1))
    async with store.read() as session:
        link = (
            await session.exec(
                select(models.LessonClassroomRow).order_by(models.LessonClassroomRow.lesson_key)
            )
        ).first()
        assert link is not None
        lesson = await session.get(models.LessonRow, link.lesson_key)
    assert lesson is not None
    room = await session_classroom(store, link.classroom_id)
    token = await issue_token(store, assistant_id=room.assistant_id, now=now)
    at = lesson.start + dt.timedelta(minutes=3)
    sub = dataclasses.replace(
        submission(token.token, "k", lesson=lesson.key, room=link.classroom_id, now=at)
    )
    [answer] = await record_batch(store, [sub], CheckinConfig().policy)
    assert isinstance(answer, Answer)
    assert (answer.status, answer.body["report"]["late"]) == (201, False)


async def session_classroom(store: Store, classroom_id: str) -> models.ClassroomRow:
    async with store.read() as session:
        room = await session.get(models.ClassroomRow, classroom_id)
    assert room is not None
    return room


async def test_old_answers_are_purged_and_the_record_stays(store: Store, seeded: Seeded) -> None:
    await record_batch(store, [submission(seeded.li, "k")], CheckinConfig().policy)
    assert await purge_answers(store, before=NOW) == 0
    assert await purge_answers(store, before=NOW + dt.timedelta(days=31)) == 1
    assert (
        await rows(store, models.IdempotencyRecordRow),
        await rows(store, models.AttendanceRow),
    ) == (0, 1)


async def test_signed_in_page_reports_without_a_token(store: Store, seeded: Seeded) -> None:
    page = dataclasses.replace(submission("", "k"), token_hash="", assistant_id="a-zhao")
    other = dataclasses.replace(submission("", "k2", room="c-west-3"), assistant_id="a-zhao")
    refused, recorded = await record_batch(store, [page, other], CheckinConfig().policy)
    assert (type(refused).__name__, getattr(recorded, "status", None)) == ("NotFoundError", 201)
