"""Every message's state for the console and the API: what went to whom, on which channel,
and what became of it (queued, sent, delivered where the provider says, failed with the
provider's answer), within what the admin may see, filtered by person, kind and state."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import col, select

from coordinator import models
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import Scope
from coordinator.store import Store

KINDS = ("reminder", "change", "alert", "calendar")
STATES = ("queued", "sent", "delivered", "failed", "superseded")  # as people say them
STORED = {"queued": "pending"}  # the outbox's word for queued
MAX_LIMIT = 500


class MessageFilterError(CoordinatorError):
    """A filter value that is not one of those offered; says which field and what it was."""

    def __init__(self, field: str, value: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{field}: {value!r} is not one of {', '.join(allowed)}")
        self.field, self.value, self.allowed = field, value, allowed


@dataclass(frozen=True, slots=True)
class MessageFilter:
    person: str = ""  # teacher:ID | assistant:ID | admin
    kind: str = ""
    state: str = ""
    limit: int = 200

    @classmethod
    def of_query(cls, query: dict[str, str]) -> MessageFilter:
        """From a page's or the API's query; MessageFilterError names a wrong value."""
        kind, state = query.get("kind", "").strip(), query.get("state", "").strip()
        if kind and kind not in KINDS:
            raise MessageFilterError("kind", kind, KINDS)
        if state and state not in STATES:
            raise MessageFilterError("state", state, STATES)
        raw = query.get("limit", "").strip() or "200"
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise MessageFilterError("limit", raw, (f"1 … {MAX_LIMIT}",))
        return cls(query.get("person", "").strip()[:128], kind, state, int(raw))


async def _lesson_people(store: Store, keys: set[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """Each lesson's teacher and classrooms, for the scope check of admin alerts."""
    if not keys:
        return {}
    lesson, room = models.LessonRow, models.LessonClassroomRow
    async with store.read() as session:
        teachers = (
            await session.exec(
                select(lesson.key, lesson.teacher_id).where(col(lesson.key).in_(keys))
            )
        ).all()
        pairs = (
            await session.exec(
                select(room.lesson_key, room.classroom_id).where(col(room.lesson_key).in_(keys))
            )
        ).all()
    rooms: dict[str, set[str]] = defaultdict(set)
    for key, classroom in pairs:
        rooms[key].add(classroom)
    return {key: (teacher, frozenset(rooms[key])) for key, teacher in teachers}


def _visible(
    row: models.NotificationRow,
    scope: Scope,
    lessons: dict[str, tuple[str, frozenset[str]]],
) -> bool:
    """A message to a person in scope, or about a lesson in scope (admins' alerts)."""
    kind, _, person = row.recipient.partition(":")
    if kind in ("teacher", "assistant") and scope.sees(kind, person):
        return True
    if row.lesson_key in lessons:
        teacher, rooms = lessons[row.lesson_key]
        return scope.sees_lesson(teacher, rooms)
    return False


async def message_states(
    store: Store, scope: Scope, *, wanted: MessageFilter
) -> list[models.NotificationRow]:
    """The newest messages the admin may see (one server may hold several counties)."""
    table = models.NotificationRow
    query = select(table).order_by(col(table.created_at).desc(), col(table.id)).limit(5000)
    if wanted.person:
        query = query.where(col(table.recipient) == wanted.person)
    if wanted.kind:
        query = query.where(col(table.kind) == wanted.kind)
    if wanted.state:
        query = query.where(col(table.status) == STORED.get(wanted.state, wanted.state))
    async with store.read() as session:
        rows = list((await session.exec(query)).all())
    lessons = await _lesson_people(store, {row.lesson_key for row in rows if row.lesson_key})
    return [row for row in rows if _visible(row, scope, lessons)][: wanted.limit]


def state_of(row: models.NotificationRow) -> str:
    """queued, sent, delivered, failed or superseded."""
    return "queued" if row.status == "pending" else row.status


def state_json(row: models.NotificationRow) -> dict[str, object]:
    """One message as the API gives it."""

    def at(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "id": row.id,
        "kind": row.kind,
        "channel": row.channel,
        "recipient": row.recipient,
        "address": row.address,
        "lesson_key": row.lesson_key,
        "subject": row.subject,
        "state": state_of(row),
        "attempts": row.attempts,
        "error": row.last_error if row.status in ("failed", "pending", "superseded") else "",
        "provider_id": row.provider_id,
        "created_at": at(row.created_at),
        "sent_at": at(row.sent_at),
        "delivered_at": at(row.delivered_at),
    }
