"""Lessons under way and an API token per assistant, written straight to the store: what the
check-in benchmarks (throughput, chaos) need before the first request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from coordinator import domain, models
from coordinator.services.accounts.api_tokens import hash_token, new_token
from coordinator.store import Store


def lesson_key(prefix: str, number: int, start: dt.datetime) -> str:
    return f"{prefix}-{number}@{start.date()}"


async def lessons_under_way(
    store: Store, bundle: domain.Bundle, *, prefix: str, count: int, start: dt.datetime
) -> dict[str, str]:
    """`count` lessons of the bundle's first network teacher from `start`, each received by
    every classroom (keys from `lesson_key`), and a new token per assistant; the tokens by
    assistant id."""
    tokens = {a.id: new_token() for a in bundle.assistants}
    teacher = bundle.network_teachers[0]
    now = dt.datetime.now(dt.UTC)
    async with store.write() as session:
        connection = await session.connection()
        await connection.execute(
            insert(models.ApiTokenRow),
            [
                {"assistant_id": a, "token_hash": hash_token(t), "label": prefix, "created_at": now}
                for a, t in tokens.items()
            ],
        )
        await connection.execute(
            insert(models.LessonRow),
            [
                {
                    "key": lesson_key(prefix, j, start),
                    "uid": f"{prefix}-{j}",
                    "session_key": f"{prefix}-{j}",
                    "date": start.date(),
                    "teacher_id": teacher.id,
                    "subject_id": teacher.subjects[0],
                    "start": start,
                    "end": start + dt.timedelta(minutes=40),
                    "time_zone": "Asia/Shanghai",
                    "status": "scheduled",
                    "revision": 0,
                    "fingerprint": "0" * 32,
                    "conflicts": [],
                    "changed_at": now,
                }
                for j in range(count)
            ],
        )
        await connection.execute(
            insert(models.LessonClassroomRow),
            [
                {"lesson_key": lesson_key(prefix, j, start), "classroom_id": room.id}
                for j in range(count)
                for room in bundle.classrooms
            ],
        )
    return tokens
