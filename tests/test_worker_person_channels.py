"""The worker end to end with a person channel: a lesson moved (new time, substitute teacher)
reaches each affected person once on WeCom, with before → after, also across a restart."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time

import aiohttp
from sqlalchemy import update
from sqlmodel import col

from coordinator import models
from coordinator.jobs import Worker
from coordinator.notify import build_channels
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.reminders import Notifier
from coordinator.services.scheduler.leader import AlwaysLeader
from coordinator.store import Store
from tests.notify import providers as fake
from tests.notify.person_support import person_settings, providers
from tests.notify.support import STREAMS, add_lesson, bundle
from tests.test_worker import FAST, HANG_S, eventually, running, utc_now

__all__ = ["providers"]
IDS = {"t-wang": "wangli", "t-chen": "chenming", "a-li": "lihua", "a-zhao": "zhaomin"}


async def seed_with_wecom(store: Store) -> None:
    county = bundle()
    county = dataclasses.replace(
        county,
        network_teachers=tuple(
            dataclasses.replace(t, wecom_userid=IDS[t.id]) for t in county.network_teachers
        ),
        assistants=tuple(dataclasses.replace(a, wecom_userid=IDS[a.id]) for a in county.assistants),
    )
    await import_bundle(store, county, source="t", now=utc_now() - dt.timedelta(days=7))


async def noted(store: Store, key: str) -> None:
    """Wait until the worker has noted the lesson as people know it (a sleep raced the first
    plan on a loaded machine, and the change was then taken as already known)."""
    began = time.monotonic()
    while True:
        async with store.read() as session:
            if await session.get(models.LessonAnnouncedRow, key) is not None:
                return
        assert time.monotonic() - began < HANG_S, "hung: the lesson was never noted"
        await asyncio.sleep(0.05)


async def test_a_moved_lesson_reaches_each_person_once_across_a_restart(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    stand.wecom.members = set(IDS.values())
    await seed_with_wecom(store)
    now = utc_now()
    start = now + dt.timedelta(hours=3)
    await add_lesson(store, start, key="s-music@x")
    settings = person_settings(base, channels=("wecom",), live_check_providers=(), **FAST)
    notifier = Notifier(settings, STREAMS)
    async with aiohttp.ClientSession() as http:
        channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
        async with running(Worker(store, notifier, AlwaysLeader(), channels)):
            await noted(store, "s-music@x")  # the first plan notes what everybody knows
            async with store.write() as session:
                await session.exec(
                    update(models.LessonRow)
                    .where(col(models.LessonRow.key) == "s-music@x")
                    .values(
                        start=start + dt.timedelta(hours=1),
                        end=start + dt.timedelta(hours=1, minutes=40),
                        teacher_id="t-chen",
                        revision=1,
                        changed_at=utc_now(),
                    )
                )
                await bump_counter(session, FEEDS, utc_now())
            await eventually(lambda: len(stand.wecom.sent) == 3)
        async with running(Worker(store, notifier, AlwaysLeader(), channels)):  # restarted
            await asyncio.sleep(1.0)
    told = sorted(message["touser"] for message in stand.wecom.sent)
    assert told == ["chenming", "lihua", "zhaomin"]
    first_lines = {m["textcard"]["description"].split("<br>")[0] for m in stand.wecom.sent}
    assert len(first_lines) == 1
    assert first_lines.pop().endswith("，代课：陈明")
    assert stand.calls["/wecom/cgi-bin/gettoken"] == 1
