"""`notify test`: one message to one person on one channel, now, with the provider's answer;
and the list of messages with their state (queued, sent, delivered, failed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiohttp
from sqlmodel import col, select

from coordinator import models
from coordinator.errors import CoordinatorError
from coordinator.notify import Delivery, build_channels
from coordinator.notify.base import Receipt
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.outbox import Person
from coordinator.services.notifications.reminders import assistant_person, teacher_person
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store

TEST_SUBJECT = {"zh": "【双师课堂】测试消息", "en": "[Dual-teacher Classroom] Test message"}
TEST_TEXT = {
    "zh": "{name}，这是一条测试消息：以后课程提醒和变更会发到这里（{channel}）。",
    "en": "{name}, this is a test: lesson reminders and changes will reach you here ({channel}).",
}


class NoSuchRecipient(CoordinatorError):
    """The person or their address on the channel is unknown."""


@dataclass(frozen=True, slots=True)
class TrialResult:
    person: str
    channel: str
    address: str
    receipt: Receipt | None


def find_person(directory: Directory, who: str) -> Person:
    """teacher:ID, assistant:ID, or a bare id of either."""
    kind, _, wanted = who.rpartition(":")
    person = None
    if kind in ("", "teacher"):
        person = teacher_person(directory, wanted)
    if person is None and kind in ("", "assistant"):
        assistant = directory.assistants.get(wanted)
        rooms = [
            c.id for c in directory.classrooms.values() if assistant and c.assistant_id == wanted
        ]
        person = assistant_person(directory, rooms[0]) if rooms else None
    if person is None:
        raise NoSuchRecipient(f"--to {who}: no teacher or assistant with that id")
    return person


async def send_trial(
    store: Store,
    settings: NotificationSettings,
    http: aiohttp.ClientSession,
    *,
    to: str,
    channel: str,
    now: dt.datetime,
) -> TrialResult:
    """Send a test message now (not through the outbox); DeliveryError says what the provider
    answered."""
    person = find_person(Directory.of(await load_bundle(store)), to)
    address = person.email if channel == "email" else person.address_on(channel)
    channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
    if channel not in channels:
        configured = ", ".join(sorted(channels)) or "none"
        raise NoSuchRecipient(f"--channel {channel}: not configured (configured: {configured})")
    if not address and not channel.startswith(("robot:", "webhook:")):
        raise NoSuchRecipient(f"{person.recipient} has no address on {channel} in the data")
    language = settings.language
    delivery = Delivery(
        id=f"test:{person.recipient}:{channel}:{now.isoformat()}",
        channel=channel,
        subject=TEST_SUBJECT[language],
        text=TEST_TEXT[language].format(name=person.name, channel=channel),
        address=address,
        data={"kind": "test", "language": language},
    )
    receipt = await channels[channel].send(delivery)
    return TrialResult(person.recipient, channel, address, receipt)


async def list_messages(
    store: Store, *, status: str | None = None, limit: int = 50
) -> list[models.NotificationRow]:
    """The newest messages first, optionally of one state."""
    table = models.NotificationRow
    query = select(table).order_by(col(table.created_at).desc(), col(table.id)).limit(limit)
    if status:
        query = query.where(col(table.status) == status)
    async with store.read() as session:
        return list((await session.exec(query)).all())
