"""A teacher's feed over real HTTP stays a valid calendar whatever the stored names hold."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.services.data.imports import import_bundle
from coordinator.services.feeds.subscriptions import ensure_feed_tokens, list_feeds
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import FeedSettings, Settings, SolverSettings
from coordinator.store import Store
from tests.factories import small_bundle

Client = TestClient[web.Request, web.Application]
NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
SECRET = b"test-secret"
BASE = "https://kc.example.cn"
HOSTILE = "王丽\nATTENDEE:mailto:x@evil.example\nX-EVIL:1\u202e"


async def test_teacher_feed_with_a_line_break_in_names_answers_a_clean_calendar(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    bundle = small_bundle()
    teachers = tuple(
        dataclasses.replace(t, name=HOSTILE) if t.id == "t-wang" else t
        for t in bundle.network_teachers
    )
    classrooms = tuple(dataclasses.replace(c, name=HOSTILE) for c in bundle.classrooms)
    # Older data, stored before the import refused such names.
    bundle = dataclasses.replace(bundle, network_teachers=teachers, classrooms=classrooms)
    await import_bundle(store, bundle, source="test", now=NOW)
    await solve_and_store(store, SolverSettings(num_workers=1), now=NOW)
    await publish_lessons(store, now=NOW, today=dt.date(2026, 11, 22))
    await ensure_feed_tokens(store, secret=SECRET, language="zh", now=NOW)
    feeds = await list_feeds(store, secret=SECRET, base_url=BASE)
    links = {str(link.owner): link for link in feeds}
    client = await aiohttp_client(create_app(Settings(feeds=FeedSettings(counter_ttl_s=0)), store))

    response = await client.get(links["teacher:t-wang"].https.removeprefix(BASE))
    body = await response.read()

    assert response.status == 200
    unfolded = body.decode().replace("\r\n ", "").split("\r\n")
    assert [line for line in unfolded if line.startswith(("ATTENDEE", "X-EVIL"))] == []
    assert "\u202e" not in body.decode()
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.walk("VEVENT")
    assert all("\n" not in str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
