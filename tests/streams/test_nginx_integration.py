"""Real nginx + nginx-rtmp + ffmpeg on 127.0.0.1: signed HLS answers 200/403/410, pushes are
accepted only with the lesson's key inside its window, and the accepted push produces HLS.

The on_publish/on_play/on_publish_done server here is a stand-in written for this test only; it
calls the same pure verification the product's route will call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from coordinator.streams.base import LinkKind, LinkRequest
from coordinator.streams.nginx import NginxLayout
from coordinator.streams.rtmp import RtmpProvider
from coordinator.streams.verify import SecureLinkStatus, Verdict

from .factories import lesson, rtmp_settings
from .nginx_run import free_port, missing_tools, run, running_nginx

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools())),
]

CALLBACKS = "/api/v1/streams"
TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass
class Stack:
    provider: RtmpProvider
    layout: NginxLayout
    hls_dir: Path
    lessons: list[LinkRequest]
    events: list[tuple[str, Verdict | None, str]] = field(default_factory=list)

    @property
    def http(self) -> str:
        return f"http://{self.layout.http_listen}"

    @property
    def rtmp(self) -> str:
        return f"rtmp://{self.layout.rtmp_listen}/live"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _current_lesson(key: str) -> LinkRequest:
    return lesson(key=key, start=_now() - dt.timedelta(minutes=5), minutes=40)


def _past_lesson(key: str) -> LinkRequest:
    return lesson(key=key, start=_now() - dt.timedelta(hours=3), minutes=40)


def _callback_app(stack: Stack) -> web.Application:
    """What the lead's route will do: find the lesson by stream name, verify, record."""

    async def on_publish(request: web.Request) -> web.Response:
        form = await request.post()
        name, key = str(form.get("name", "")), str(form.get("key", ""))
        found = stack.provider.match_stream(name, stack.lessons)
        verdict = None
        if found is not None:
            verdict = stack.provider.verify_publish(name=name, key=key, lesson=found, now=_now())
        stack.events.append(("publish", verdict, name))
        return web.Response(status=200 if verdict is not None and verdict.ok else 403)

    async def on_play(request: web.Request) -> web.Response:
        form = await request.post()
        name, token = str(form.get("name", "")), str(form.get("token", ""))
        found = stack.provider.match_stream(name, stack.lessons)
        verdict = None
        if found is not None:
            verdict = stack.provider.verify_play(name=name, token=token, lesson=found, now=_now())
        stack.events.append(("play", verdict, name))
        return web.Response(status=200 if verdict is not None and verdict.ok else 403)

    async def on_publish_done(request: web.Request) -> web.Response:
        form = await request.post()
        stack.events.append(("publish_done", None, str(form.get("name", ""))))
        return web.Response()

    app = web.Application()
    app.router.add_post(f"{CALLBACKS}/on_publish", on_publish)
    app.router.add_post(f"{CALLBACKS}/on_play", on_play)
    app.router.add_post(f"{CALLBACKS}/on_publish_done", on_publish_done)
    return app


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    http_port, rtmp_port, callback_port = free_port(), free_port(), free_port()
    settings = rtmp_settings(
        rtmp_url=f"rtmp://127.0.0.1:{rtmp_port}/live",
        hls_url=f"http://127.0.0.1:{http_port}/hls",
    )
    layout = NginxLayout(
        rtmp_listen=f"127.0.0.1:{rtmp_port}",
        http_listen=f"127.0.0.1:{http_port}",
        hls_path=str(tmp_path / "hls"),
        callbacks=f"http://127.0.0.1:{callback_port}{CALLBACKS}",
        hls_fragment="1s",
        hls_playlist_length="4s",
    )
    built = Stack(RtmpProvider(settings), layout, tmp_path / "hls", [])
    runner = web.AppRunner(_callback_app(built))
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", callback_port).start()
        async with running_nginx(settings, layout, tmp_path / "nginx"):
            yield built
    finally:
        await runner.cleanup()


async def _status(url: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.get(url) as response,
    ):
        return response.status, await response.text(errors="replace")


def _hls_url(stack: Stack, request: LinkRequest) -> str:
    return stack.provider.links(request).for_classroom(request.classrooms[0].id)[0].url


async def _make_static_hls(directory: Path) -> None:
    await asyncio.to_thread(directory.mkdir, parents=True)
    code, stderr = await run(
        "ffmpeg", "-hide_banner", "-loglevel", "error",
        "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "10",
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
        "-hls_segment_filename", str(directory / "%d.ts"), str(directory / "index.m3u8"),
        limit=60,
    )  # fmt: skip
    assert code == 0, stderr


async def test_signed_hls_real_nginx_answers_200_403_410(stack: Stack) -> None:
    current = _current_lesson("hls-only")
    stream = stack.provider.stream_name(current)
    await _make_static_hls(stack.hls_dir / stream)
    signed = _hls_url(stack, current)
    md5 = signed.split("/")[-4]
    tampered = signed.replace(md5, ("A" if md5[0] != "A" else "B") + md5[1:])
    expired_at = int((_now() - dt.timedelta(minutes=1)).timestamp())
    expired = stack.provider.hls_url(stream, expired_at)

    playlist_status, playlist = await _status(signed)
    segment_status, _ = await _status(signed.replace("index.m3u8", "0.ts"))

    assert (playlist_status, segment_status) == (200, 200)
    assert playlist.startswith("#EXTM3U")
    assert "0.ts" in playlist  # relative: the segment inherits the token in the path
    assert (await _status(tampered))[0] == 403
    assert (await _status(expired))[0] == 410
    assert [
        stack.provider.verify_hls_path("/" + url.split("/", 3)[3], now=_now())
        for url in (signed, tampered, expired)
    ] == [SecureLinkStatus.OK, SecureLinkStatus.INVALID, SecureLinkStatus.EXPIRED]


def _push_command(url: str, seconds: int) -> tuple[str, ...]:
    return (
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x240:rate=15",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15",
        "-pix_fmt", "yuv420p", "-f", "flv", url,
    )  # fmt: skip


async def _wait_for_playlist(url: str, limit: float = 60.0) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        status, body = await _status(url)
        if status == 200 and ".ts" in body:
            return body
        await asyncio.sleep(0.5)
    raise TimeoutError(f"no HLS playlist at {url} after {limit}s")


async def test_push_with_wrong_or_expired_key_is_refused(stack: Stack) -> None:
    current, past = _current_lesson("refused-now"), _past_lesson("refused-past")
    stack.lessons[:] = [current, past]
    wrong = f"{stack.rtmp}/{stack.provider.stream_name(current)}?key=not-the-key"
    expired = (
        stack.provider.links(past)
        .teacher[0]
        .url.replace(stack.provider.settings.rtmp_url, stack.rtmp)
    )

    wrong_code, _ = await run(*_push_command(wrong, 4), limit=30)
    expired_code, _ = await run(*_push_command(expired, 4), limit=30)

    assert wrong_code != 0
    assert expired_code != 0
    reasons = [(kind, verdict.reason if verdict else None) for kind, verdict, _ in stack.events]
    assert reasons == [("publish", "bad_key"), ("publish", "too_late")]
    assert not (stack.hls_dir / stack.provider.stream_name(current)).exists()


async def test_push_with_lesson_key_is_live_and_produces_hls(stack: Stack) -> None:
    current = _current_lesson("accepted")
    stack.lessons[:] = [current]
    links = stack.provider.links(current)
    push = links.teacher[0]
    assert push.kind is LinkKind.PUSH
    classroom = links.for_classroom(current.classrooms[0].id)
    play = next(link.url for link in classroom if link.kind is LinkKind.RTMP_PLAY)

    pusher = asyncio.create_task(run(*_push_command(push.url, 10), limit=40))
    playlist = await _wait_for_playlist(classroom[0].url)
    good_play = await run("ffprobe", "-v", "error", "-show_streams", play, limit=20)
    bad_play = await run("ffprobe", "-v", "error", play.replace("token=", "token=x"), limit=20)
    push_code, push_errors = await pusher
    for _ in range(600):  # on_publish_done follows the disconnect; a hang guard only
        if ("publish_done", None, links.room) in stack.events:
            break
        await asyncio.sleep(0.1)

    assert push_code == 0, push_errors
    assert "#EXTM3U" in playlist
    assert good_play[0] == 0
    assert bad_play[0] != 0
    publish = [verdict for kind, verdict, _ in stack.events if kind == "publish"]
    assert [(v.reason, v.participant_id) for v in publish if v] == [("ok", "t-wang")]
    plays = [verdict.reason for kind, verdict, _ in stack.events if kind == "play" and verdict]
    assert plays == ["ok", "bad_key"]
    assert ("publish_done", None, links.room) in stack.events
