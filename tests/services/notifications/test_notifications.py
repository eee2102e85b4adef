"""The outbox: written once per id, retried with backoff, delivered eventually, never lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging

import aiohttp
import pytest
from sqlmodel import select

from coordinator import models
from coordinator.notify import build_channels
from coordinator.notify.messages import Message
from coordinator.services.notifications.outbox import (
    Person,
    Route,
    admin_routes,
    bounded_id,
    deliver_due,
    enqueue,
    outgoing,
    person_routes,
)
from coordinator.settings.notifications import RetrySettings, WebhookSettings
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify.support import NOW, Receiver, free_port, settings

http, mailbox, receiver = fixtures.http, fixtures.mailbox, fixtures.receiver

MESSAGE = Message(
    "alert", "【未签到】西村教学点 三年级：音乐", "时间：08:00–08:40", {"kind": "alert"}
)
LI = Person("assistant", "a-li", "李老师", "13900000001", "", "r-east", "xiao")
ZHAO = Person("assistant", "a-zhao", "赵老师", "13900000002", "zhao@example.cn", "r-west", "xiao")


def rows(purpose: str, *channels: str) -> list[models.NotificationRow]:
    routes = [Route(channel) for channel in channels]
    return outgoing(purpose, MESSAGE, routes, recipient="admin", lesson_key=None, now=NOW)


async def stored(store: Store) -> list[models.NotificationRow]:
    async with store.read() as session:
        return sorted((await session.exec(select(models.NotificationRow))).all(), key=str)


async def test_enqueuing_the_same_message_twice_writes_it_once(store: Store) -> None:
    first = await enqueue(store, rows("alert:x", "webhook:ops", "robot:county"))
    again = await enqueue(store, rows("alert:x", "webhook:ops", "robot:county"))
    assert (first, again) == (2, 0)
    assert sorted(row.id for row in await stored(store)) == [
        "alert:x:robot:county:",
        "alert:x:webhook:ops:",
    ]


async def test_failing_receiver_is_retried_and_the_message_delivered(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    received, base = receiver
    received.fail["/hook"] = 1
    config = settings(base, retry=RetrySettings(first_delay_s=60, max_attempts=5))
    await enqueue(store, rows("alert:y", "webhook:ops"))
    async with aiohttp.ClientSession() as http:
        channels = build_channels(config, http)
        first = await deliver_due(store, config, channels, now=NOW)
        early = await deliver_due(store, config, channels, now=NOW + dt.timedelta(seconds=30))
        later = await deliver_due(store, config, channels, now=NOW + dt.timedelta(seconds=60))
    (row,) = await stored(store)
    keys = [headers["Idempotency-Key"] for _, _, headers, _ in received.to("/hook")]
    assert (first.retrying, early.sent, later.sent) == (1, 0, 1)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert row.sent_at == NOW + dt.timedelta(seconds=60)
    assert keys == ["alert:y:webhook:ops:", "alert:y:webhook:ops:"]
    assert json.loads(received.to("/hook")[-1][3])["subject"] == MESSAGE.subject


async def test_unreachable_receiver_leaves_the_message_failed_with_its_error_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    dead = WebhookSettings(url=f"http://127.0.0.1:{free_port()}/hook")
    config = settings(
        "http://unused",
        webhooks={"ops": dead},
        retry=RetrySettings(first_delay_s=0, max_attempts=2),
    )
    await enqueue(store, rows("alert:z", "webhook:ops"))
    async with aiohttp.ClientSession() as http:
        channels = build_channels(config, http)
        await deliver_due(store, config, channels, now=NOW)
        (pending,) = await stored(store)
        with caplog.at_level(logging.ERROR, logger="coordinator.services.notifications.outbox"):
            await deliver_due(store, config, channels, now=NOW)
    (failed,) = await stored(store)
    assert (pending.status, pending.attempts) == ("pending", 1)
    assert (failed.status, failed.attempts, failed.sent_at) == ("failed", 2, None)
    assert "ClientConnectorError" in failed.last_error
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [f"gave up on alert:z:webhook:ops: after 2 attempts: {failed.last_error}"]


async def test_message_is_tried_when_due_and_waits_with_the_reason_if_its_channel_is_gone(
    store: Store,
) -> None:
    await enqueue(store, rows("alert:w", "robot:gone"))
    config = settings("http://unused")
    early = await deliver_due(store, config, {}, now=NOW - dt.timedelta(seconds=1))
    due = await deliver_due(store, config, {}, now=NOW)
    (row,) = await stored(store)
    assert ((early.sent, early.retrying, early.failed), due.retrying) == ((0, 0, 0), 1)
    assert (row.status, row.last_error) == ("pending", "channel 'robot:gone' is not configured")


def test_backoff_doubles_up_to_the_cap() -> None:
    retry = RetrySettings(first_delay_s=30, factor=2, max_delay_s=100)
    assert [retry.delay_after(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_a_person_is_reached_by_mail_their_schools_and_regions_robots_and_webhooks() -> None:
    config = settings("http://r", 2525)
    assert person_routes(config, ZHAO, "reminder") == [
        Route("email", "zhao@example.cn"),
        Route("robot:west", mentions=("13900000002",)),
        Route("webhook:ops"),
    ]
    assert person_routes(config, LI, "reminder") == [
        Route("robot:east", mentions=("13900000001",)),
        Route("robot:west", mentions=("13900000001",)),
        Route("webhook:ops"),
    ]


def test_admins_of_a_school_and_its_region_are_reached() -> None:
    config = settings("http://r", 2525)
    assert admin_routes(config, {"r-west", "xiao"}) == [
        Route("email", "jiaoyu@example.cn"),
        Route("robot:county"),
        Route("webhook:ops"),
    ]
    assert admin_routes(config, {"elsewhere"}) == [Route("webhook:ops")]


def test_a_long_id_is_shortened_with_a_hash_of_the_whole() -> None:
    long = "reminder:" + "x" * 400
    assert len(bounded_id(long)) == 255
    assert bounded_id(long) != bounded_id(long + "y")
    assert bounded_id("short") == "short"


async def test_two_workers_sending_at_once_send_each_message_once(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    received, base = receiver
    config = settings(base)
    for purpose in ("alert:a", "alert:b", "alert:c"):
        await enqueue(store, rows(purpose, "webhook:ops"))
    async with aiohttp.ClientSession() as http:
        channels = build_channels(config, http)
        reports = await asyncio.gather(
            deliver_due(store, config, channels, now=NOW),
            deliver_due(store, config, channels, now=NOW),
        )
    assert sum(report.sent for report in reports) == 3
    assert sorted(headers["Idempotency-Key"] for _, _, headers, _ in received.requests) == [
        "alert:a:webhook:ops:",
        "alert:b:webhook:ops:",
        "alert:c:webhook:ops:",
    ]
