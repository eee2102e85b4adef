"""Feeds over real HTTP: every owner kind, validators, 304s, rotation, revocation, caching."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote

import icalendar
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient
from sqlmodel import select

from coordinator import models
from coordinator.app import create_app
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.imports import import_bundle
from coordinator.services.feeds.subscriptions import (
    FeedLink,
    ensure_feed_tokens,
    list_feeds,
    revoke_feed,
    rotate_feed,
)
from coordinator.services.feeds.tokens import FeedOwner, rotate_token
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import FeedSettings, Settings, SolverSettings
from coordinator.store import Store
from coordinator.streams import StaticSettings, StreamsSettings
from coordinator.web.feeds import FEED_CACHE
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.calendar import client_parsers
from tests.factories import small_bundle

Client = TestClient[web.Request, web.Application]
NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
SECRET = b"test-secret"
BASE = "https://kc.example.cn"


async def published(store: Store) -> dict[str, FeedLink]:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    await solve_and_store(store, SolverSettings(num_workers=1), now=NOW)
    await publish_lessons(store, now=NOW, today=dt.date(2026, 11, 22))
    await ensure_feed_tokens(store, secret=SECRET, language="zh", now=NOW)
    return {str(link.owner): link for link in await list_feeds(store, secret=SECRET, base_url=BASE)}


def path_of(link: FeedLink) -> str:
    return link.https.removeprefix(BASE)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: Store) -> Client:
    settings = Settings(feeds=FeedSettings(counter_ttl_s=0))
    app = create_app(settings, store)
    app[PAGES] = PagesConfig(clock=lambda: NOW)  # the feeds' window is NOW's, not the real day's
    return await aiohttp_client(app)


async def test_every_owner_has_a_feed_with_both_address_forms(store: Store) -> None:
    links = await published(store)
    assert sorted(links) == sorted(
        [
            "teacher:t-wang",
            "teacher:t-chen",
            "classroom:c-east-3",
            "classroom:c-east-4",
            "classroom:c-west-3",
            "assistant:a-li",
            "assistant:a-zhao",
            "school:u-one",
            "school:r-east",
            "school:r-west",
            "alliance:pair-1",
            "region:xiao",
        ]
    )
    link = links["teacher:t-wang"]
    assert link.https.startswith(f"{BASE}/feeds/")
    assert link.webcal == link.https.replace("https://", "webcal://")
    assert len(link.https.rsplit("/", 1)[1].removesuffix(".ics")) == 43  # 256 bits


async def test_teacher_feed_answers_with_calendar_and_privacy_headers(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    response = await client.get(path_of(links["teacher:t-wang"]))
    body = await response.read()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["ETag"].startswith('"')
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    async with store.read() as session:
        rows = (
            await session.exec(
                select(models.LessonRow).where(
                    models.LessonRow.teacher_id == "t-wang",
                    models.LessonRow.date >= dt.date(2026, 11, 8),
                )
            )
        ).all()
    assert rows
    assert uids == {row.uid for row in rows} | {"event-e-jiaoyan@coordinator"}


async def test_feed_is_gzipped_when_the_client_accepts_it(client: Client, store: Store) -> None:
    links = await published(store)
    path = path_of(links["region:xiao"])
    plain = await client.get(path, headers={"Accept-Encoding": "identity"}, auto_decompress=False)
    zipped = await client.get(
        path, headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"}, auto_decompress=False
    )
    refused = await client.get(path, headers={"Accept-Encoding": "gzip;q=0"}, auto_decompress=False)
    plain_body, zipped_body = await plain.read(), await zipped.read()
    assert "Content-Encoding" not in plain.headers
    assert "Content-Encoding" not in refused.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped_body) == plain_body
    assert len(zipped_body) < len(plain_body) / 3
    assert plain.headers["Vary"] == zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert zipped.headers["Last-Modified"] == plain.headers["Last-Modified"]
    for response in (plain, zipped):
        again = await client.get(
            path,
            headers={"If-None-Match": response.headers["ETag"], "Accept-Encoding": "gzip"},
            auto_decompress=False,
        )
        assert (again.status, again.headers["Vary"]) == (304, "Accept-Encoding")
        assert again.headers["ETag"] == zipped.headers["ETag"]


async def test_feed_download_is_named_by_its_owner(client: Client, store: Store) -> None:
    links = await published(store)
    response = await client.get(path_of(links["teacher:t-wang"]))
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        "inline; filename=\"teacher-t-wang.ics\"; filename*=UTF-8''"
        + quote("王丽-课表.ics", safe="")
    )
    charset, _, encoded = disposition.split("filename*=", 1)[1].partition("''")
    assert (charset, unquote(encoded, encoding=charset)) == ("UTF-8", "王丽-课表.ics")


async def test_classroom_feed_holds_only_that_classrooms_lessons(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    body = await (await client.get(path_of(links["classroom:c-east-4"]))).read()
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert summaries
    assert all("四年级（1）班" in s or "【" in s for s in summaries)


async def test_unchanged_feed_is_not_rebuilt_and_revalidates_to_304(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    path = path_of(links["school:r-east"])
    first = await client.get(path)
    cache = client.app[FEED_CACHE]
    renders = cache.renders
    again = await client.get(path)
    by_etag = await client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    by_date = await client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert (await again.read()) == (await first.read())
    assert (by_etag.status, by_date.status) == (304, 304)
    assert await by_etag.read() == b""
    assert cache.renders == renders


async def test_old_if_modified_since_gets_the_feed(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    old = format_datetime(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), usegmt=True)
    response = await client.get(path_of(links["region:xiao"]), headers={"If-Modified-Since": old})
    assert response.status == 200


async def test_rotated_address_replaces_the_old_one_at_once(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    old = path_of(links["assistant:a-li"])
    assert (await client.get(old)).status == 200
    new = await rotate_feed(
        store, FeedOwner("assistant", "a-li"), secret=SECRET, base_url=BASE, now=NOW
    )
    assert (await client.get(old)).status == 404
    assert (await client.get(path_of(new))).status == 200


async def test_revoked_feed_answers_404(client: Client, store: Store) -> None:
    links = await published(store)
    await revoke_feed(store, FeedOwner("teacher", "t-chen"), now=NOW)
    assert (await client.get(path_of(links["teacher:t-chen"]))).status == 404


async def test_revoked_feed_stays_revoked_after_listing_and_publish(
    client: Client, store: Store
) -> None:
    links = await published(store)
    owner = FeedOwner("teacher", "t-chen")
    await revoke_feed(store, owner, now=NOW)
    assert await ensure_feed_tokens(store, secret=SECRET, language="zh", now=NOW) == 0
    await publish_lessons(store, now=NOW, today=dt.date(2026, 11, 22))
    listed = {link.owner for link in await list_feeds(store, secret=SECRET, base_url=BASE)}
    assert owner not in listed
    assert (await client.get(path_of(links[str(owner)]))).status == 404
    again = await rotate_feed(store, owner, secret=SECRET, base_url=BASE, now=NOW)
    assert (await client.get(path_of(again))).status == 200


async def test_rotated_feed_keeps_its_language(client: Client, store: Store) -> None:
    await published(store)
    owner = FeedOwner("assistant", "a-li")
    async with store.write() as session:  # issued in English
        await rotate_token(session, owner, secret=SECRET, now=NOW, language="en")
    rotated = await rotate_feed(store, owner, secret=SECRET, base_url=BASE, now=NOW)
    await revoke_feed(store, owner, now=NOW)
    reissued = await rotate_feed(store, owner, secret=SECRET, base_url=BASE, now=NOW)
    assert (rotated.language, reissued.language) == ("en", "en")
    body = await (await client.get(path_of(reissued))).read()
    name = str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])
    assert name.endswith("· live lessons")


async def test_broadcast_to_several_grades_names_every_grade(
    client: Client, store: Store, tmp_path: Path
) -> None:
    links = await published(store)
    async with store.write() as session:
        keys = (
            await session.exec(
                select(models.LessonRow.key).where(models.LessonRow.session_key == "p-open-music")
            )
        ).all()
        for key in keys:
            session.add(models.LessonClassroomRow(lesson_key=key, classroom_id="c-east-4"))
        await bump_counter(session, FEEDS, NOW)
    path = tmp_path / "teacher.ics"
    path.write_bytes(await (await client.get(path_of(links["teacher:t-wang"]))).read())
    broadcast = {f"{key}@coordinator" for key in keys}
    seen = {uid: e for uid, e in client_parsers.with_ical(path).items() if uid in broadcast}
    assert seen
    assert all(e.summary.startswith("音乐·三、四年级 直播 → 3个教室") for e in seen.values())
    assert all("年级：三、四年级" in e.description for e in seen.values())


async def test_last_modified_never_moves_backwards_when_lessons_leave(
    client: Client,
    store: Store,
) -> None:
    links = await published(store)
    path = path_of(links["classroom:c-east-4"])
    before = parsedate_to_datetime((await client.get(path)).headers["Last-Modified"])
    later = NOW + dt.timedelta(days=1)
    without = small_bundle(needs=tuple(n for n in small_bundle().needs if n.subject_id != "art"))
    await import_bundle(store, without, source="test", now=later)
    await solve_and_store(store, SolverSettings(num_workers=1), now=later)
    await publish_lessons(store, now=later, today=dt.date(2026, 11, 23))
    after = await client.get(path)
    body = await after.read()
    assert parsedate_to_datetime(after.headers["Last-Modified"]) >= before
    cancelled = [
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e.get("STATUS")) == "CANCELLED"
    ]
    assert cancelled
    assert all(str(e["SUMMARY"]).startswith("【已取消】") for e in cancelled)


async def test_feeds_carry_each_subscribers_own_stream_link(
    aiohttp_client: AiohttpClient,
    store: Store,
) -> None:
    streams = StreamsSettings(
        provider="static",
        static=StaticSettings(
            teacher_url="https://room.example.cn/host/{lesson}",
            classroom_url="https://room.example.cn/join/{lesson}?room={classroom}",
        ),
    )
    settings = Settings(feeds=FeedSettings(counter_ttl_s=0), streams=streams)
    client = await aiohttp_client(create_app(settings, store))
    links = await published(store)
    teacher = icalendar.Calendar.from_ical(
        await (await client.get(path_of(links["teacher:t-chen"]))).read()
    )
    room = icalendar.Calendar.from_ical(
        await (await client.get(path_of(links["classroom:c-east-4"]))).read()
    )
    lessons = [e for e in teacher.walk("VEVENT") if not str(e["UID"]).startswith("event-")]
    assert lessons
    for event in lessons:
        url = str(event["URL"])
        assert url.startswith("https://room.example.cn/host/t-chen.")
        assert str(event["CONFERENCE"]) == url
        assert url in str(event["DESCRIPTION"]).replace("\n", "")
    joins = [str(e["URL"]) for e in room.walk("VEVENT") if "URL" in e]
    assert joins
    assert all(url.endswith("room=c-east-4") for url in joins)


async def test_an_events_sequence_counts_its_imported_changes(client: Client, store: Store) -> None:
    links = await published(store)
    path = path_of(links["teacher:t-wang"])  # 王丽 hosts the 教研

    async def jiaoyan() -> icalendar.cal.Component:
        calendar = icalendar.Calendar.from_ical(await (await client.get(path)).read())
        [event] = [e for e in calendar.walk("VEVENT") if "音乐教研" in str(e["SUMMARY"])]
        return event

    first = await jiaoyan()
    await import_bundle(store, small_bundle(), source="again", now=NOW + dt.timedelta(hours=1))
    unchanged = await jiaoyan()
    [event] = small_bundle().events
    later = dataclasses.replace(event, start=dt.time(15, 30), end=dt.time(16, 30))
    moved_at = NOW + dt.timedelta(hours=2)
    await import_bundle(store, small_bundle(events=(later,)), source="moved", now=moved_at)
    moved = await jiaoyan()

    assert (first["SEQUENCE"], unchanged["SEQUENCE"], moved["SEQUENCE"]) == (0, 0, 1)
    assert moved["UID"] == first["UID"]
    start = moved.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 25, 7, 30, tzinfo=dt.UTC)
    assert moved.decoded("LAST-MODIFIED") == moved_at
