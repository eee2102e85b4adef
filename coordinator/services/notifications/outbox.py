"""The durable outbox: every message is a row first and is sent after, retried, never lost.

A message's id names what it is for, per channel and address; enqueuing is `INSERT ... ON
CONFLICT DO NOTHING`, so a job that runs twice (a retry, a new leader catching up) adds
nothing the second time. Sending marks each row as it goes: sent, or pending again after a
backoff, or failed after the last attempt (kept, with its error, for an operator to see).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from coordinator import models
from coordinator.notify import Channel, Delivery, DeliveryError
from coordinator.notify.base import Receipt
from coordinator.notify.messages import Message
from coordinator.notify.quiet_hours import after_quiet_hours
from coordinator.observability.metrics import notification_finished
from coordinator.settings.notifications import EVERYWHERE, MessageKind, NotificationSettings
from coordinator.store import Store

log = logging.getLogger(__name__)

MAX_ID = 255


@dataclass(frozen=True, slots=True)
class Person:
    """A network teacher, an assistant or an admin, with what channels need to reach them."""

    kind: Literal["teacher", "assistant", "admin"]
    id: str
    name: str
    phone: str
    email: str
    school_id: str
    region_id: str
    wecom_userid: str = ""
    dingtalk_userid: str = ""
    preferred_channel: str = ""
    quiet_hours: str = ""
    time_zone: str = "Asia/Shanghai"
    language: str = ""  # zh | en; empty: the settings' language

    @property
    def recipient(self) -> str:
        return f"{self.kind}:{self.id}"

    def address_on(self, channel: str) -> str:
        """Their id or number on a one-to-one channel ("" when they have none there)."""
        return {
            "wecom": self.wecom_userid,
            "dingtalk": self.dingtalk_userid,
            "sms": self.phone,
        }.get(channel, "")


@dataclass(frozen=True, slots=True)
class Route:
    channel: str
    address: str = ""
    mentions: tuple[str, ...] = ()
    not_before: dt.datetime | None = None  # held back until then (the person's quiet hours)


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _webhook_routes(settings: NotificationSettings, kind: MessageKind) -> list[Route]:
    if not settings.uses("webhooks"):
        return []
    hooks = sorted(settings.webhooks.items())
    return [Route(f"webhook:{name}") for name, hook in hooks if kind in hook.kinds]


def personal_route(
    settings: NotificationSettings, person: Person, kind: MessageKind, now: dt.datetime | None
) -> Route | None:
    """The one channel of their own that reaches them for this kind of message: their
    preferred one first, then the settings' order for the kind; held back by quiet hours
    (alerts are not)."""
    wanted = settings.person_routing.get(kind, ())
    order = [person.preferred_channel, *wanted] if person.preferred_channel in wanted else wanted
    for channel in order:
        address = person.address_on(channel)
        if address and settings.reaches(channel):
            if now is None or kind == "alert":
                return Route(channel, address)
            later = after_quiet_hours(now, person.quiet_hours, person.time_zone)
            return Route(channel, address, not_before=later if later > now else None)
    return None


def person_routes(
    settings: NotificationSettings,
    person: Person,
    kind: MessageKind,
    now: dt.datetime | None = None,
) -> list[Route]:
    """Their own channel (WeCom, DingTalk, SMS) when they can be reached on one; else e-mail
    if they have an address and their school's or region's robots; the webhooks always."""
    own = personal_route(settings, person, kind, now)
    if own is not None:
        return [own, *_webhook_routes(settings, kind)]
    routes = []
    if settings.uses("email") and settings.smtp.configured and person.email:
        routes.append(Route("email", person.email))
    if settings.uses("robots"):
        mine = {("school", person.school_id), ("region", person.region_id)}
        mentions = (person.phone,) if person.phone else ()
        for name, robot in sorted(settings.robots.items()):
            if (robot.scope, robot.target) in mine:
                routes.append(Route(f"robot:{name}", mentions=mentions))
    return routes + _webhook_routes(settings, kind)


def admin_routes(settings: NotificationSettings, scopes: Iterable[str]) -> list[Route]:
    """The admin channels of these schools and regions, and those configured for everywhere."""
    wanted = {*scopes, EVERYWHERE}
    routes: dict[tuple[str, str], Route] = {}
    if settings.uses("email") and settings.smtp.configured:
        for target, addresses in sorted(settings.admin_emails.items()):
            for address in addresses if target in wanted else ():
                routes[("email", address)] = Route("email", address)
    if settings.uses("robots"):
        for name, robot in sorted(settings.robots.items()):
            if robot.scope == "admin" and robot.target in wanted:
                routes[(f"robot:{name}", "")] = Route(f"robot:{name}")
    for target, entries in sorted(settings.admin_contacts.items()):
        for entry in entries if target in wanted else ():
            channel, _, address = entry.partition(":")
            if settings.reaches(channel):
                routes[(channel, address)] = Route(channel, address)
    return [*routes.values(), *_webhook_routes(settings, "alert")]


def bounded_id(text: str) -> str:
    """The id as is, or shortened with a hash of the whole when it is too long for the column."""
    if len(text) <= MAX_ID:
        return text
    return f"{text[: MAX_ID - 33]}#{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def outgoing(
    purpose: str,
    message: Message,
    routes: Iterable[Route],
    *,
    recipient: str,
    lesson_key: str | None,
    now: dt.datetime,
) -> list[models.NotificationRow]:
    """One row per route; `purpose` (what, for whom, which revision) makes the ids stable."""
    return [
        models.NotificationRow(
            id=bounded_id(f"{purpose}:{route.channel}:{route.address}"),
            kind=message.kind,
            channel=route.channel,
            lesson_key=lesson_key,
            recipient=recipient,
            address=route.address,
            mentions=list(route.mentions),
            subject=message.subject,
            body=message.text,
            data={**message.data, "recipient": recipient},
            next_attempt_at=route.not_before or now,
            created_at=now,
        )
        for route in routes
    ]


async def enqueue(store: Store, rows: Iterable[models.NotificationRow]) -> int:
    """Write the rows that are not there yet; the number written."""
    values = [row.model_dump() for row in rows]
    if not values:
        return 0
    insert = sqlite_insert if store.is_sqlite else postgresql_insert
    statement = (
        insert(models.NotificationRow)
        .values(values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(col(models.NotificationRow.id))
    )
    async with store.write() as session:
        added = len((await session.exec(statement)).all())
    if added:
        log.info("outbox: %d new message(s) of %d", added, len(values))
    return added


def delivery_of(row: models.NotificationRow) -> Delivery:
    return Delivery(
        id=row.id,
        channel=row.channel,
        subject=row.subject,
        text=row.body,
        address=row.address,
        mentions=tuple(row.mentions),
        data=dict(row.data),
    )


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one try ended: the provider's receipt, or what went wrong (and if for good)."""

    receipt: Receipt | None = None
    error: str | None = None
    permanent: bool = False


async def _attempt(
    row: models.NotificationRow, channels: Mapping[str, Channel], timeout_s: float
) -> Attempt:
    """Send once."""
    channel = channels.get(row.channel)
    if channel is None:
        return Attempt(error=f"channel {row.channel!r} is not configured")
    try:
        async with asyncio.timeout(timeout_s):
            receipt = await channel.send(delivery_of(row))
    except DeliveryError as error:
        return Attempt(error=str(error), permanent=error.permanent)
    except TimeoutError:
        return Attempt(error=f"no answer within {timeout_s:g} s")
    return Attempt(receipt=receipt)


def _record(
    row: models.NotificationRow,
    attempt: Attempt,
    settings: NotificationSettings,
    now: dt.datetime,
) -> None:
    row.attempts += 1
    error = attempt.error
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, ""
        if attempt.receipt is not None:
            row.provider_id = attempt.receipt.provider_id[:255]
            if attempt.receipt.trackable:
                row.check_at = now + dt.timedelta(seconds=settings.receipt_delay_s)
        log.info("sent %s", row.id)
        notification_finished("sent")
        return
    row.last_error = error[:1000]
    if attempt.permanent or row.attempts >= settings.retry.max_attempts:
        row.status = "failed"
        notification_finished("failed")
        log.error("gave up on %s after %d attempts: %s", row.id, row.attempts, error)
        return
    delay = settings.retry.delay_after(row.attempts)
    row.next_attempt_at = now + dt.timedelta(seconds=delay)
    log.warning(
        "sending %s failed (attempt %d), retry in %.0f s: %s", row.id, row.attempts, delay, error
    )


async def _claim(store: Store, row: models.NotificationRow, until: dt.datetime) -> bool:
    """Take a due row for one try: only one worker's conditional update can succeed.

    The row is due again at `until` if this worker dies while sending it.
    """
    table = models.NotificationRow
    claim = (
        update(table)
        .where(col(table.id) == row.id)
        .where(col(table.status) == "pending")
        .where(col(table.next_attempt_at) == row.next_attempt_at)
        .values(next_attempt_at=until)
    )
    async with store.write() as session:
        claimed = (await session.exec(claim)).rowcount == 1
    return claimed


async def _save(store: Store, row: models.NotificationRow) -> None:
    table = models.NotificationRow
    outcome = update(table).where(col(table.id) == row.id)
    async with store.write() as session:
        await session.exec(
            outcome.values(
                status=row.status,
                attempts=row.attempts,
                next_attempt_at=row.next_attempt_at,
                sent_at=row.sent_at,
                last_error=row.last_error,
                provider_id=row.provider_id,
                check_at=row.check_at,
            )
        )


async def deliver_due(
    store: Store,
    settings: NotificationSettings,
    channels: Mapping[str, Channel],
    *,
    now: dt.datetime,
) -> DeliveryReport:
    """Try every pending message that is due; each row is marked as soon as its try ends."""
    query = (
        select(models.NotificationRow)
        .where(col(models.NotificationRow.status) == "pending")
        .where(col(models.NotificationRow.next_attempt_at) <= now)
        .order_by(col(models.NotificationRow.next_attempt_at), col(models.NotificationRow.id))
        .limit(settings.outbox_batch)
    )
    async with store.read() as session:
        rows = list((await session.exec(query)).all())
    report = DeliveryReport()
    for row in rows:
        if not await _claim(store, row, now + dt.timedelta(seconds=2 * settings.send_timeout_s)):
            continue  # another worker took it (two leaders for a moment during a fail-over)
        attempt = await _attempt(row, channels, settings.send_timeout_s)
        _record(row, attempt, settings, now)
        await _save(store, row)
        report.sent += row.status == "sent"
        report.retrying += row.status == "pending"
        report.failed += row.status == "failed"
    return report
