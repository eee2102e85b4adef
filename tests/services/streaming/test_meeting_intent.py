"""The intent written before a create call: a run that finds one left behind looks the
meeting up and adopts it (then moves or cancels it as the lesson now says), or creates one
when the platform made none. The "killed" run is a sync task cancelled while the loopback
platform, having made the meeting, holds its answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import aiohttp
import pytest

from coordinator.store import Store
from tests.notify.support import add_lesson, seed
from tests.services.streaming.platforms import FakePlatforms, meeting_sync
from tests.services.streaming.test_meetings import (
    START,
    change_lesson,
    fake,
    http,
    stored,
    sync,
)

__all__ = ["fake", "http"]  # the fixtures, shared with test_meetings
HANG_S = 60.0  # a hang guard only
LOOKED_UP = ["wemeet", "wecom_living"]


async def killed_mid_create(
    store: Store, server: FakePlatforms, api_url: str, http: aiohttp.ClientSession, platform: str
) -> None:
    """A sync that sent the create and died before the answer: the platform has the meeting,
    the table only the intent."""
    directory = await seed(store)
    await add_lesson(store, START)
    server.hold_answer = True
    task = asyncio.create_task(
        sync(meeting_sync(store, http), store, directory, platform, api_url, 0)
    )
    await asyncio.wait_for(server.holding.wait(), HANG_S)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("platform", LOOKED_UP)
async def test_a_meeting_made_before_a_move_is_adopted_then_moved(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession, platform: str
) -> None:
    server, api_url = fake
    await killed_mid_create(store, server, api_url, http, platform)
    [intent] = await stored(store)
    revision = await change_lesson(
        store, start=START + dt.timedelta(minutes=5), end=START + dt.timedelta(minutes=50)
    )
    directory = await seed(store)
    made = await sync(meeting_sync(store, http), store, directory, platform, api_url, revision)
    [row] = await stored(store)
    [(key, meeting)] = server.meetings.items()
    assert (intent.state, intent.meeting_id) == ("creating", "")
    assert made == 1  # the update: the meeting was found (with the intent's times), not made
    assert [action for _, action in server.calls] == ["create", "update"]
    assert (row.meeting_id, row.state, row.revision) == (key, "active", revision)
    assert meeting.start == int((START + dt.timedelta(minutes=5)).timestamp())


@pytest.mark.parametrize("platform", LOOKED_UP)
async def test_a_lesson_cancelled_after_a_lost_create_has_that_meeting_cancelled(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession, platform: str
) -> None:
    server, api_url = fake
    await killed_mid_create(store, server, api_url, http, platform)
    revision = await change_lesson(store, status="cancelled")
    directory = await seed(store)
    await sync(meeting_sync(store, http), store, directory, platform, api_url, revision)
    [row] = await stored(store)
    assert [action for _, action in server.calls] == ["create", "cancel"]
    assert [m.cancelled for m in server.meetings.values()] == [True]
    assert row.state == "cancelled"


@pytest.mark.parametrize("platform", [*LOOKED_UP, "dingtalk_meeting"])
async def test_an_intent_with_nothing_made_creates_the_meeting_once(
    store: Store,
    fake: tuple[FakePlatforms, str],
    http: aiohttp.ClientSession,
    platform: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Killed after writing the intent, before the call left: the lookup finds nothing (past
    a meeting of the same title a day later), so the meeting is made, once."""
    server, api_url = fake
    await killed_mid_create(store, server, api_url, http, platform)
    [(old_key, made)] = server.meetings.items()
    made.start, made.end = made.start + 86400, made.end + 86400  # now another day's meeting
    directory = await seed(store)
    await sync(meeting_sync(store, http), store, directory, platform, api_url, 0)
    await sync(meeting_sync(store, http), store, directory, platform, api_url, 0)
    [row] = await stored(store)
    assert [action for _, action in server.calls] == ["create", "create"]
    assert row.meeting_id != old_key
    assert server.meetings[row.meeting_id].start == int(START.timestamp())
    assert row.state == "active"
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and "cancel" in r.message]
    assert len(warned) == (platform == "dingtalk_meeting")  # DingTalk: it cannot be asked
