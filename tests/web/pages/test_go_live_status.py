"""The go-live page's status over real HTTP: the TEST button's "did the push reach us" (the
newest push nginx-rtmp asked about, refused ones with their reason), and the classrooms
watching, counted from their watch pages' heartbeats; only in the lesson's window."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.services.streaming.go_live import go_live_path
from coordinator.services.streaming.watch import watch_path
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.streams import LessonLinks
from coordinator.streams.watch import WatchSigner
from tests.notify.support import add_lesson
from tests.web.test_stream_callbacks import lesson_now, product_links, streams

Client = TestClient[web.Request, web.Application]
SECRET = "a secret for the go-live status test"
CSRF = re.compile(r'data-csrf="([^"]+)"')


STRINGS = re.compile(r'<script type="application/json" id="go-live-strings">(.*?)</script>')


def strings(page: str) -> dict[str, str]:
    """What the page's script says, in the page's language."""
    found = STRINGS.search(page)
    assert found is not None
    said = json.loads(found.group(1))
    assert isinstance(said, dict)
    return said


def go_live(links: LessonLinks) -> str:
    return go_live_path(WatchSigner(SECRET.encode().hex(), purpose="go-live"), links)


async def state(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(f"{path}/state.json")
    assert response.status == 200
    body = await response.json()
    assert isinstance(body, dict)
    return body


async def publish(client: Client, links: LessonLinks, key: str) -> int:
    form = {"name": links.room, "key": key}
    return (await client.post("/api/v1/streams/on_publish", data=form)).status


async def test_test_button_status_tells_a_refused_push_then_you_are_live(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=streams(), secret_key=SECRET)
    client = await aiohttp_client(create_app(settings, store))
    links = await product_links(store, streams(), await lesson_now(store))
    path = go_live(links)
    page = await (await client.get(path)).text()
    assert 'id="test-push"' in page
    assert "<svg" in page  # the OBS sketch
    before = await state(client, path)
    assert (before["state"], before["push"], before["watching"]) == ("waiting", None, 0)

    assert await publish(client, links, "a mistyped key") == 403
    refused = await state(client, path)
    assert refused["state"] == "waiting"
    assert (refused["push"]["accepted"], refused["push"]["reason"]) == (False, "bad_key")

    push = links.teacher[0]
    assert push.stream_key is not None
    assert await publish(client, links, push.stream_key.partition("key=")[2]) == 200
    live = await state(client, path)
    assert live["state"] == "live"
    assert (live["push"]["accepted"], live["push"]["reason"]) == (True, "ok")


async def test_classrooms_playing_the_watch_page_are_counted_as_watching(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=streams(), secret_key=SECRET)
    client = await aiohttp_client(create_app(settings, store))
    links = await product_links(store, streams(), await lesson_now(store))
    watch = watch_path(WatchSigner(SECRET.encode().hex()), links, "c-east-3")
    page = await (await client.get(watch)).text()
    found = CSRF.search(page)
    assert found is not None
    headers = {"X-CSRF-Token": found.group(1)}
    assert (await client.post(f"{watch}/playing")).status == 403  # no CSRF token: refused
    assert (await state(client, go_live(links)))["watching"] == 0
    for _ in range(2):  # a heartbeat, then the next one: still one classroom
        response = await client.post(f"{watch}/playing", headers=headers)
        assert response.status == 200
        assert (await response.json())["counted"] is True
    assert (await state(client, go_live(links)))["watching"] == 1
    html = await (await client.get(go_live(links))).text()
    assert 'id="watching">1 ' in html or 'id="watching">1' in html


async def test_outside_the_window_neither_key_nor_watching_nor_test_is_shown(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=streams(), secret_key=SECRET)
    client = await aiohttp_client(create_app(settings, store))
    await lesson_now(store)
    tomorrow = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    row = await add_lesson(store, tomorrow, key="later@tomorrow", rooms=("c-east-3",))
    links = await product_links(store, streams(), row)
    page = await (await client.get(go_live(links))).text()
    assert 'id="stream-key"' not in page
    assert 'id="watching"' not in page
    assert 'id="test-push"' not in page
    assert (await state(client, go_live(links)))["state"] == "closed"


async def test_go_live_page_speaks_chinese_first_and_english_on_request(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=streams(), secret_key=SECRET)
    client = await aiohttp_client(create_app(settings, store))
    links = await product_links(store, streams(), await lesson_now(store))
    zh = await (await client.get(go_live(links))).text()
    en = await (await client.get(go_live(links), headers={"Accept-Language": "en"})).text()
    assert "测试：能收到我的直播吗？" in zh
    assert "设置 → 直播" in zh
    assert "Test: do you see my stream?" not in zh
    assert "Test: do you see my stream?" in en
    assert "Settings → Stream" in en
    assert "测试" not in en
    said = {language: strings(page) for language, page in (("zh", zh), ("en", en))}
    assert said["zh"]["reason:bad_key"] == "串流密钥不对，请重新复制。"  # the TEST button's answers
    assert said["en"]["reason:bad_key"] == "the stream key is wrong; copy it again."
    english = [
        text for text in said["zh"].values() if re.search("[A-Za-z]{3}", text.replace("OBS", ""))
    ]
    assert english == []  # OBS is a name
