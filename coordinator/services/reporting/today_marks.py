"""What the Today board marks beside a lesson's state: a substitute teacher, a moved lesson,
and the no-show alerts that already went out about it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models

DELIVERED = ("sent", "delivered")


@dataclass(frozen=True, slots=True)
class SentAlert:
    """Alerts of one kind to one kind of person about a lesson: the first one's time, and
    whether any of them reached its channel."""

    problem: str  # no_checkin | not_live | failed | problem
    recipient: str  # admin | teacher | assistant
    at: dt.datetime  # UTC
    status: str  # sent | pending | failed


async def regular_teachers(session: AsyncSession, session_keys: set[str]) -> dict[str, str]:
    """Each weekly lesson's usual teacher: who teaches most of its dates that are not cancelled.
    A date taught by someone else is a substitute's (a hand re-assign, a rebalanced week)."""
    if not session_keys:
        return {}
    query = select(models.LessonRow.session_key, models.LessonRow.teacher_id).where(
        col(models.LessonRow.session_key).in_(session_keys),
        models.LessonRow.status != "cancelled",
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for session_key, teacher_id in (await session.exec(query)).all():
        counts[session_key][teacher_id] += 1
    return {key: found.most_common(1)[0][0] for key, found in counts.items()}


def _status(rows: list[models.NotificationRow]) -> str:
    statuses = {row.status for row in rows}
    if statuses & set(DELIVERED):
        return "sent"
    return "pending" if "pending" in statuses else "failed"


async def alerts_sent(session: AsyncSession, keys: list[str]) -> dict[str, tuple[SentAlert, ...]]:
    """The alerts written for each lesson, one line per kind and kind of recipient."""
    if not keys:
        return {}
    query = select(models.NotificationRow).where(
        col(models.NotificationRow.lesson_key).in_(keys), models.NotificationRow.kind == "alert"
    )
    grouped: dict[str, dict[tuple[str, str], list[models.NotificationRow]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in (await session.exec(query)).all():
        problem = row.id.split(":")[1] if row.id.count(":") >= 2 else "problem"
        recipient = row.recipient.split(":", 1)[0]
        grouped[str(row.lesson_key)][(problem, recipient)].append(row)
    return {
        key: tuple(
            SentAlert(problem, recipient, min(r.created_at for r in rows), _status(rows))
            for (problem, recipient), rows in sorted(by_kind.items())
        )
        for key, by_kind in grouped.items()
    }
