"""Who watches a lesson now: watch-page heartbeats that go stale, RTMP plays until they end."""

from __future__ import annotations

import datetime as dt

from coordinator import models
from coordinator.services.streaming.audience import (
    FRESH,
    last_push,
    note_watching,
    watching_now,
)
from coordinator.store import Store
from tests.notify.support import NOW, add_lesson, seed

KEY = "s-music@2026-11-23"


async def watching(store: Store, at: dt.datetime) -> set[str]:
    async with store.read() as session:
        return await watching_now(session, KEY, now=at)


def event(
    kind: str, room: str | None, at: dt.datetime, *, ok: bool = True, reason: str = "ok"
) -> models.StreamEventRow:
    return models.StreamEventRow(
        lesson_key=KEY,
        kind=kind,
        participant_id=room,
        accepted=ok,
        reason=reason,
        stream_name="s",
        at=at,
    )


async def test_a_heartbeat_counts_until_it_goes_stale_and_a_new_one_renews_it(
    store: Store,
) -> None:
    await seed(store)
    await add_lesson(store, NOW)
    await note_watching(store, lesson_key=KEY, classroom_id="c-east-3", now=NOW)
    assert await watching(store, NOW + FRESH) == {"c-east-3"}
    assert await watching(store, NOW + FRESH + dt.timedelta(seconds=1)) == set()
    later = NOW + dt.timedelta(minutes=5)
    await note_watching(store, lesson_key=KEY, classroom_id="c-east-3", now=later)
    await note_watching(store, lesson_key=KEY, classroom_id="c-west-3", now=later)
    assert await watching(store, later) == {"c-east-3", "c-west-3"}


async def test_rtmp_plays_count_until_play_done_and_the_newest_push_is_told(
    store: Store,
) -> None:
    await seed(store)
    await add_lesson(store, NOW)
    second = dt.timedelta(seconds=1)
    async with store.write() as session:
        session.add(event("publish", None, NOW, ok=False, reason="bad_key"))
        session.add(event("publish", "t-wang", NOW + second))
        session.add(event("play", "c-east-3", NOW + 2 * second))
        session.add(event("play", "c-west-3", NOW + 2 * second))
        session.add(event("play_done", "c-west-3", NOW + 3 * second))
        session.add(event("play", None, NOW + 3 * second, ok=False, reason="bad_key"))
    assert await watching(store, NOW + dt.timedelta(hours=1)) == {"c-east-3"}
    async with store.read() as session:
        push = await last_push(session, KEY)
    assert push is not None
    assert (push.accepted, push.reason, push.at) == (True, "ok", NOW + second)
