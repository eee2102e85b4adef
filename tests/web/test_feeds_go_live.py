"""Feeds link to coordinator's signed pages: the teacher's go-live page (never the raw push
key), the classroom's watch page (never a bare HLS playlist)."""

from __future__ import annotations

import icalendar
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.settings import FeedSettings, ServerSettings, Settings
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from tests.streams.factories import rtmp_settings
from tests.web.test_feeds import BASE, path_of, published


async def test_teacher_feed_carries_the_go_live_page_not_the_push_key(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(
        feeds=FeedSettings(counter_ttl_s=0),
        streams=StreamsSettings(provider="rtmp", rtmp=rtmp_settings()),
        server=ServerSettings(public_url=BASE),
        secret_key="a server secret for the go-live links",
    )
    client = await aiohttp_client(create_app(settings, store))
    links = await published(store)
    body = await (await client.get(path_of(links["teacher:t-wang"]))).read()
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    lessons = [event for event in events if "URL" in event]  # the lessons (not the 教研 event)
    assert lessons
    assert all(str(event["URL"]).startswith(f"{BASE}/go-live/") for event in lessons)
    assert b"key=" not in body
    assert b"rtmp://" not in body

    classroom = await (await client.get(path_of(links["classroom:c-east-3"]))).read()
    watched = [e for e in icalendar.Calendar.from_ical(classroom).walk("VEVENT") if "URL" in e]
    assert watched
    assert all(str(event["URL"]).startswith(f"{BASE}/watch/") for event in watched)
    assert b".m3u8" not in classroom  # a bare playlist plays nowhere by itself
    assert b"/go-live/" not in classroom


async def test_teacher_feed_marks_the_weak_receiving_classroom(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(feeds=FeedSettings(counter_ttl_s=0), secret_key="a secret")
    client = await aiohttp_client(create_app(settings, store))
    links = await published(store)
    body = await (await client.get(path_of(links["teacher:t-wang"]))).read()
    descriptions = [
        str(event.get("DESCRIPTION", ""))
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]
    assert any("三年级（网络差）" in text for text in descriptions)  # c-west-3 is weak
