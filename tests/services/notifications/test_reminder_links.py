"""Reminders and change notices link to coordinator's signed pages: the teacher's go-live page
(never the push URL with its key), each classroom's watch page (never a bare HLS playlist)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlmodel import select

from coordinator import models
from coordinator.cli.support import notifier_for
from coordinator.services.notifications.reminders import (
    Notifier,
    send_change_notices,
    send_reminders,
)
from coordinator.services.streaming.teacher_links import signed_pages
from coordinator.settings import ServerSettings, Settings
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from coordinator.streams import StreamsSettings, lesson_links
from coordinator.streams.watch import WatchSigner
from tests.notify.support import NOW, add_lesson, seed, settings
from tests.streams.factories import lesson, rtmp_settings

KEY = "s-music@2026-11-23"
PUBLIC = "https://kecheng.example.cn"
SECRET = b"the server's secret for signed pages"
RTMP = StreamsSettings(provider="rtmp", rtmp=rtmp_settings())


def signed_notifier() -> Notifier:
    """As the worker builds it (`cli.support.notifier_for`): signed pages at the public address."""
    notifications = settings("http://127.0.0.1:9", channels=("robots",))
    return Notifier(notifications, RTMP, pages=signed_pages(lambda: SECRET, PUBLIC))


async def messages(store: Store) -> list[models.NotificationRow]:
    async with store.read() as session:
        return list((await session.exec(select(models.NotificationRow))).all())


def link_of(row: models.NotificationRow) -> str:
    link = row.data["link"]
    assert isinstance(link, str)
    return link


def assert_no_raw_stream(rows: list[models.NotificationRow]) -> None:
    for row in rows:
        text = f"{row.subject}\n{row.body}\n{row.data}"
        assert "rtmp://" not in text, row.id
        assert ".m3u8" not in text, row.id
        assert "key=" not in text, row.id


async def test_reminders_link_to_the_signed_go_live_and_watch_pages(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, NOW + dt.timedelta(minutes=30))
    assert await send_reminders(
        store, signed_notifier(), directory, lesson_key=KEY, revision=0, now=NOW
    )
    rows = await messages(store)
    assert_no_raw_stream(rows)
    teacher = [row for row in rows if row.recipient == "teacher:t-wang"]
    rooms = [row for row in rows if row.recipient.startswith("assistant:")]
    assert teacher
    assert rooms
    go_live = WatchSigner(SECRET.hex(), purpose="go-live")
    for row in teacher:
        url = urlsplit(link_of(row))
        assert (url.scheme, url.netloc) == ("https", "kecheng.example.cn")
        assert url.path.startswith("/go-live/")
        assert go_live.read(url.path.removeprefix("/go-live/"), now=NOW).lesson_key == KEY
        assert link_of(row) in row.body  # the person reads the page, not only the robot's data
    watch = WatchSigner(SECRET.hex())
    watched = set()
    for row in rooms:
        url = urlsplit(link_of(row))
        assert url.path.startswith("/watch/")
        ticket = watch.read(url.path.removeprefix("/watch/"), now=NOW)
        watched.add((ticket.lesson_key, ticket.classroom_id))
    assert watched == {(KEY, "c-east-3"), (KEY, "c-west-3")}  # each assistant their own room


async def test_change_notices_link_to_the_signed_pages_too(store: Store) -> None:
    directory = await seed(store)
    recent = NOW - dt.timedelta(minutes=1)
    await add_lesson(store, NOW + dt.timedelta(hours=5), revision=2, changed_at=recent)
    assert await send_change_notices(store, signed_notifier(), directory, now=NOW)
    rows = await messages(store)
    assert_no_raw_stream(rows)
    paths = {urlsplit(link_of(row)).path.split("/")[1] for row in rows}
    assert paths == {"go-live", "watch"}


async def test_without_signed_pages_messages_carry_no_stream_link_at_all(store: Store) -> None:
    """A Notifier built without the server's secret falls back to meeting join links only."""
    directory = await seed(store)
    await add_lesson(store, NOW + dt.timedelta(minutes=30))
    plain = Notifier(settings("http://127.0.0.1:9", channels=("robots",)), RTMP)
    assert await send_reminders(store, plain, directory, lesson_key=KEY, revision=0, now=NOW)
    rows = await messages(store)
    assert_no_raw_stream(rows)
    assert {link_of(row) for row in rows} == {""}


def test_the_worker_signs_pages_at_the_messages_public_address() -> None:
    links = lesson_links(RTMP, lesson(), school_id=None)
    base = Settings(streams=RTMP, secret_key=SECRET.decode())
    public = {"notifications": NotificationSettings(public_url="https://msg.example.cn")}
    server = {"server": ServerSettings(public_url="https://web.example.cn")}
    for changes, origin in (
        (public | server, "https://msg.example.cn"),
        (server, "https://web.example.cn"),
        ({}, "http://127.0.0.1:8080"),
    ):
        pages = notifier_for(base.model_copy(update=changes)).pages
        assert pages.teacher(links).startswith(f"{origin}/go-live/")
        assert pages.classroom(links, "c-hill-3").startswith(f"{origin}/watch/")
