"""The classroom's watch page plays a real HLS stream pushed by ffmpeg through nginx-rtmp."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect
from pytest_aiohttp import AiohttpServer
from sqlmodel import select

from coordinator import models
from coordinator.app import create_app
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.streaming.go_live import go_live_path
from coordinator.services.streaming.links import links_of
from coordinator.settings import FeedSettings, Settings
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.nginx import NginxLayout
from coordinator.streams.watch import WatchSigner
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.browser.test_assistant_offline import ROOM, lesson_now, phone
from tests.notify.support import add_lesson
from tests.streams.factories import rtmp_settings
from tests.streams.nginx_run import free_port, missing_tools, run, running_nginx
from tests.web.pages.support import SECRET
from tests.web.test_stream_callbacks import push_command

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools())),
]


async def no_signal_reports(store: Store, key: str) -> int:
    async with store.read() as session:
        rows = (await session.exec(select(models.ProblemReportRow))).all()
    return sum(
        1
        for row in rows
        if (row.lesson_key, row.classroom_id, row.problem) == (key, ROOM, "no_signal")
    )


async def watching(page: Page, state_url: str) -> int:
    """The go-live page's count, once the watch page's heartbeat (sent as it plays) is in."""
    for _ in range(40):
        count = int((await (await page.request.get(state_url)).json())["watching"])
        if count:
            return count
        await asyncio.sleep(0.5)
    return 0


class Clock:
    """The pages' clock: the real one, moved on by `ahead` when a test needs a later hour."""

    def __init__(self) -> None:
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.ahead


async def test_watch_page_plays_the_pushed_lesson_and_shows_live_then_ended(
    aiohttp_server: AiohttpServer, browser: Browser, browser_store: Store, tmp_path: Path
) -> None:
    http_port, rtmp_port = free_port(), free_port()
    streams = StreamsSettings(
        provider="rtmp",
        rtmp=rtmp_settings(
            rtmp_url=f"rtmp://127.0.0.1:{rtmp_port}/live",
            hls_url=f"http://127.0.0.1:{http_port}/hls",
        ),
    )
    settings = Settings(streams=streams, secret_key=SECRET, feeds=FeedSettings(counter_ttl_s=0))
    app = create_app(settings, browser_store)
    clock = Clock()
    app[PAGES] = PagesConfig(clock=clock)
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")
    key = await lesson_now(browser_store)
    async with browser_store.read() as session:
        row = await session.get(models.LessonRow, key)
    assert row is not None
    links = links_of(streams, row, [ROOM], Directory.of(await load_bundle(browser_store)))
    assert links is not None
    assert streams.rtmp is not None
    layout = NginxLayout(
        rtmp_listen=f"127.0.0.1:{rtmp_port}",
        http_listen=f"127.0.0.1:{http_port}",
        hls_path=str(tmp_path / "hls"),
        callbacks=f"http://127.0.0.1:{server.port}/api/v1/streams",
        hls_fragment="1s",
        hls_playlist_length="6s",
    )

    context, page = await phone(browser, server)
    card = page.locator(f'.card[data-lesson="{key}"][data-classroom="{ROOM}"]')
    watch = await card.locator("a.room-link").get_attribute("href")
    assert watch is not None
    assert watch.startswith("/watch/")
    await page.goto(str(server.make_url(watch)))
    await expect(page.locator("#state")).to_have_text("尚未开始：主讲教师还没有开始直播。")
    for _ in range(2):  # one tap, then a second one: one report
        await page.get_by_role("button", name="没有信号？一键报告").click()
        await expect(page.locator("#reported")).to_have_text("✓ 已报告：没有信号")
    assert await no_signal_reports(browser_store, key) == 1

    async with running_nginx(streams.rtmp, layout, tmp_path / "nginx"):
        pusher = asyncio.create_task(run(*push_command(links.teacher[0].url, 25), limit=90))
        await expect(page.locator("#state")).to_have_text("直播中", timeout=60_000)
        await expect(page.locator("#watch[data-playing=yes]")).to_have_count(1, timeout=60_000)
        played = await page.evaluate("document.getElementById('video').currentTime")
        assert played > 0
        go_live = go_live_path(WatchSigner(SECRET.encode().hex(), purpose="go-live"), links)
        state_url = str(server.make_url(f"{go_live}/state.json"))
        assert await watching(page, state_url) == 1  # the page's heartbeat reached the teacher
        code, errors = await pusher
        assert code == 0, errors
        await expect(page.locator("#state")).to_have_text("直播信号中断，正在自动重连…")
        await expect(page.locator("#watch[data-playing]")).to_have_count(0)
        # The teacher pushes again: the page reconnects by itself and plays.
        again = asyncio.create_task(run(*push_command(links.teacher[0].url, 15), limit=90))
        await expect(page.locator("#state")).to_have_text("直播中", timeout=60_000)
        await expect(page.locator("#watch[data-playing=yes]")).to_have_count(1, timeout=60_000)
        code, errors = await again
        assert code == 0, errors
        # nginx tells of the push's end before it is stopped (a stopped nginx tells nothing).
        await expect(page.locator("#state")).to_have_text("直播信号中断，正在自动重连…")
    # Past the lesson's end, still inside the link's window (its end and a margin).
    clock.ahead = row.end - dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    await expect(page.locator("#state")).to_have_text("本节课已结束。")
    await context.close()


async def test_go_live_page_gives_server_and_key_and_says_you_are_live_when_the_push_starts(
    aiohttp_server: AiohttpServer, browser: Browser, browser_store: Store, tmp_path: Path
) -> None:
    http_port, rtmp_port = free_port(), free_port()
    streams = StreamsSettings(
        provider="rtmp",
        rtmp=rtmp_settings(
            rtmp_url=f"rtmp://127.0.0.1:{rtmp_port}/live",
            hls_url=f"http://127.0.0.1:{http_port}/hls",
        ),
    )
    settings = Settings(streams=streams, secret_key=SECRET, feeds=FeedSettings(counter_ttl_s=0))
    app = create_app(settings, browser_store)
    app[PAGES] = PagesConfig()
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    rooms = (ROOM, "c-west-3")  # c-west-3's network is weak
    row = await add_lesson(browser_store, start, key="go-live@now", rooms=rooms, changed_at=start)
    links = links_of(streams, row, rooms, Directory.of(await load_bundle(browser_store)))
    assert links is not None
    assert streams.rtmp is not None
    push = links.teacher[0]
    layout = NginxLayout(
        rtmp_listen=f"127.0.0.1:{rtmp_port}",
        http_listen=f"127.0.0.1:{http_port}",
        hls_path=str(tmp_path / "hls"),
        callbacks=f"http://127.0.0.1:{server.port}/api/v1/streams",
    )
    path = go_live_path(WatchSigner(SECRET.encode().hex(), purpose="go-live"), links)
    assert path.startswith("/go-live/")

    page = await browser.new_page(locale="zh-CN")
    await page.goto(str(server.make_url(path)))
    await expect(page.locator("#state")).to_have_text("等待您开始推流")
    await expect(page.locator("#server")).to_have_value(str(push.server))
    await expect(page.locator("#stream-key")).to_have_value(str(push.stream_key))
    await expect(page.locator(".receivers li")).to_have_text(["三年级（1）班", "三年级 网络差"])
    async with running_nginx(streams.rtmp, layout, tmp_path / "nginx"):
        server_url = await page.locator("#server").input_value()
        stream_key = await page.locator("#stream-key").input_value()
        test = page.get_by_role("button", name="测试：能收到我的直播吗？")
        await test.click()  # a mistyped key: the server says why it refused the push
        await expect(page.locator("#test-result")).to_have_text(
            "正在检查……请现在在 OBS 里点“开始直播”。"
        )
        mistyped = f"{server_url}/{stream_key[:-2]}xx"
        await run(*push_command(mistyped, 2), limit=30)
        await expect(page.locator("#test-result")).to_have_text(
            "直播流到达了服务器，但被拒绝： 串流密钥不对，请重新复制。"
        )
        await test.click()
        pusher = asyncio.create_task(run(*push_command(f"{server_url}/{stream_key}", 8), limit=60))
        await expect(page.locator("#state")).to_have_text("您正在直播", timeout=60_000)
        await expect(page.locator("#test-result")).to_have_text(
            "✓ 我们收到了您的直播流，接收课堂可以看到。"
        )
        code, errors = await pusher
        assert code == 0, errors
    await page.close()
