"""The teacher's page links each lesson to the signed go-live page, not to the push key."""

from __future__ import annotations

from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.streams.factories import rtmp_settings
from tests.web.pages.support import NOW, settings, sign_in


async def test_teacher_page_links_the_go_live_page_and_shows_no_key(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    rtmp = StreamsSettings(provider="rtmp", rtmp=rtmp_settings())
    app = create_app(settings().model_copy(update={"streams": rtmp}), arranged)
    app[PAGES] = PagesConfig(clock=lambda: NOW)
    client = await aiohttp_client(app)
    assert await sign_in(client, "wang") == 303
    page = await (await client.get("/teachers/t-wang?week=2026-11-23")).text()
    assert 'href="/go-live/' in page
    assert "rtmp://" not in page
    assert "key=" not in page
