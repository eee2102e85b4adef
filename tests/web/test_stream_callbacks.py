"""nginx-rtmp callbacks: only the lesson's teacher pushes and its classrooms play, in time.

First over real HTTP on loopback, then end to end: real nginx-rtmp calls the real app while
ffmpeg pushes with the link from the teacher's feed, and the store shows the teacher live.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpClient, AiohttpServer
from sqlmodel import col, select

from coordinator import models
from coordinator.app import create_app
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.streaming.callbacks import live_lessons
from coordinator.services.streaming.links import links_of
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.streams import LessonLinks, LinkKind, StreamsSettings
from coordinator.streams.nginx import NginxLayout
from tests.factories import small_bundle
from tests.notify.support import add_lesson
from tests.streams.factories import rtmp_settings
from tests.streams.nginx_run import free_port, missing_tools, run, running_nginx

Client = TestClient[web.Request, web.Application]
KEY = "t-wang.music.1.0910@now"


def streams(**overrides: str) -> StreamsSettings:
    return StreamsSettings(provider="rtmp", rtmp=rtmp_settings(**overrides))


async def lesson_now(store: Store, minutes_ago: int = 5) -> models.LessonRow:
    """A music lesson of t-wang for classroom c-east-3 that started a few minutes ago."""
    await import_bundle(store, small_bundle(), source="test", now=dt.datetime.now(dt.UTC))
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=minutes_ago)
    return await add_lesson(store, start, key=KEY, rooms=("c-east-3",), changed_at=start)


async def product_links(
    store: Store, settings: StreamsSettings, lesson: models.LessonRow
) -> LessonLinks:
    links = links_of(settings, lesson, ["c-east-3"], Directory.of(await load_bundle(store)))
    assert links is not None
    return links


async def events(store: Store) -> list[tuple[str, bool, str, str | None]]:
    async with store.read() as session:
        query = select(models.StreamEventRow).order_by(col(models.StreamEventRow.id))
        rows = (await session.exec(query)).all()
    return [(row.kind, row.accepted, row.reason, row.participant_id) for row in rows]


async def is_live(store: Store) -> bool:
    async with store.read() as session:
        return KEY in await live_lessons(session, [KEY])


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: Store) -> Client:
    return await aiohttp_client(create_app(Settings(streams=streams()), store))


async def test_teacher_push_with_own_key_is_accepted_and_makes_the_lesson_live(
    client: Client,
    store: Store,
) -> None:
    links = await product_links(store, streams(), await lesson_now(store))
    push = links.teacher[0]
    assert push.stream_key is not None
    name, _, query = push.stream_key.partition("?")
    response = await client.post(
        "/api/v1/streams/on_publish", data={"name": name, "key": query.removeprefix("key=")}
    )
    assert response.status == 200
    assert await is_live(store)
    done = await client.post("/api/v1/streams/on_publish_done", data={"name": name})
    assert done.status == 200
    assert not await is_live(store)
    assert await events(store) == [
        ("publish", True, "ok", "t-wang"),
        ("publish_done", True, "ok", None),
    ]


async def test_wrong_key_and_unknown_stream_are_refused_and_recorded(
    client: Client,
    store: Store,
) -> None:
    links = await product_links(store, streams(), await lesson_now(store))
    name = links.room
    wrong = await client.post("/api/v1/streams/on_publish", data={"name": name, "key": "guess"})
    unknown = await client.post("/api/v1/streams/on_publish", data={"name": "lessonx", "key": "k"})
    assert (wrong.status, unknown.status) == (403, 403)
    assert await events(store) == [
        ("publish", False, "bad_key", None),
        ("publish", False, "unknown_stream", None),
    ]
    assert not await is_live(store)


async def test_classroom_plays_with_its_token(client: Client, store: Store) -> None:
    links = await product_links(store, streams(), await lesson_now(store))
    play = next(l.url for l in links.for_classroom("c-east-3") if l.kind is LinkKind.RTMP_PLAY)  # noqa: E741
    token = play.split("token=")[1]
    ok = await client.post("/api/v1/streams/on_play", data={"name": links.room, "token": token})
    bad = await client.post("/api/v1/streams/on_play", data={"name": links.room, "token": "x"})
    assert (ok.status, bad.status) == (200, 403)
    assert [e[3] for e in await events(store)] == ["c-east-3", None]


async def test_push_after_the_window_is_refused(client: Client, store: Store) -> None:
    links = await product_links(store, streams(), await lesson_now(store, minutes_ago=60))
    push = links.teacher[0]
    assert push.stream_key is not None
    name, _, query = push.stream_key.partition("?")
    response = await client.post(
        "/api/v1/streams/on_publish", data={"name": name, "key": query.removeprefix("key=")}
    )
    assert response.status == 403
    assert await events(store) == [("publish", False, "too_late", "t-wang")]


async def test_callbacks_from_other_addresses_are_refused(
    aiohttp_client: AiohttpClient,
    store: Store,
) -> None:
    settings = Settings(streams=streams(), stream_callbacks_from=("10.0.0.9",))
    client = await aiohttp_client(create_app(settings, store))
    response = await client.post("/api/v1/streams/on_publish", data={"name": "x", "key": "y"})
    assert response.status == 403
    assert await events(store) == []


def push_command(url: str, seconds: int) -> tuple[str, ...]:
    return (
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x240:rate=15",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15",
        "-pix_fmt", "yuv420p", "-f", "flv", url,
    )  # fmt: skip


def play_command(url: str, seconds: int) -> tuple[str, ...]:
    return (
        "ffmpeg", "-hide_banner", "-loglevel", "error",
        "-probesize", "32768", "-analyzeduration", "500000", "-rw_timeout", "10000000",
        "-i", url, "-t", str(seconds), "-f", "null", "-",
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
async def test_real_nginx_push_is_authorised_by_the_app_and_recorded_live(
    aiohttp_server: AiohttpServer,
    store: Store,
    tmp_path: Path,
) -> None:
    http_port, rtmp_port = free_port(), free_port()
    settings = streams(
        rtmp_url=f"rtmp://127.0.0.1:{rtmp_port}/live", hls_url=f"http://127.0.0.1:{http_port}/hls"
    )
    server: TestServer = await aiohttp_server(create_app(Settings(streams=settings), store))
    layout = NginxLayout(
        rtmp_listen=f"127.0.0.1:{rtmp_port}",
        http_listen=f"127.0.0.1:{http_port}",
        hls_path=str(tmp_path / "hls"),
        callbacks=f"http://127.0.0.1:{server.port}/api/v1/streams",
        hls_fragment="1s",
        hls_playlist_length="4s",
    )
    links = await product_links(store, settings, await lesson_now(store))
    assert settings.rtmp is not None
    async with running_nginx(settings.rtmp, layout, tmp_path / "nginx"):
        wrong_code, _ = await run(*push_command(links.teacher[0].url + "x", 3), limit=30)
        pusher = asyncio.create_task(run(*push_command(links.teacher[0].url, 6), limit=40))
        while not pusher.done():  # live once nginx has called on_publish
            if await is_live(store):
                break
            await asyncio.sleep(0.1)
        live_while_pushing = await is_live(store)
        play = next(l.url for l in links.for_classroom("c-east-3") if l.kind is LinkKind.RTMP_PLAY)  # noqa: E741
        play_code, play_errors = await run(*play_command(play, 1), limit=20)
        code, errors = await pusher
        for _ in range(600):  # on_publish_done follows the push's end; a hang guard only
            if not await is_live(store):
                break
            await asyncio.sleep(0.1)
    assert wrong_code != 0
    assert code == 0, errors
    assert play_code == 0, play_errors
    assert live_while_pushing
    assert not await is_live(store)
    kinds = [(kind, accepted, reason) for kind, accepted, reason, _ in await events(store)]
    assert kinds[0] == ("publish", False, "bad_key")
    assert ("publish", True, "ok") in kinds
    assert kinds[-1] == ("publish_done", True, "ok")
    assert ("play", True, "ok") in kinds
    assert ("play_done", True, "ok") in kinds  # the generated config reports a play's end
