"""The assistant's page as an offline app: reloads with no network, the outbox survives, once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler
from playwright.async_api import Browser, BrowserContext, Error, Page, expect
from pytest_aiohttp import AiohttpServer

from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.browser.test_assistant_offline import PHONE, check_ins, lesson_now, phone
from tests.web.pages.support import PASSWORD, app_for


@dataclass
class Line:
    """The phone's network as the server sees it: `cut` resets every connection on arrival.

    `context.set_offline` alone is not airtight in this chromium once a service worker
    controls the page (a request now and then still reaches the server), so the tests also
    cut the line at the server: what the browser then gets is a reset connection, as on a
    dropped mobile link.
    """

    cut: bool = False
    refused: list[str] = field(default_factory=list)


@pytest.fixture
def line() -> Line:
    return Line()


@pytest.fixture
async def app_server(aiohttp_server: AiohttpServer, browser_store: Store, line: Line) -> TestServer:
    """The pages and the API on the real clock, so the lesson added is under way now."""
    app = app_for(browser_store, PagesConfig())

    @web.middleware
    async def cable(request: web.Request, handler: Handler) -> web.StreamResponse:
        if line.cut:
            line.refused.append(f"{request.method} {request.path}")
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPServiceUnavailable  # never sent: the connection is gone
        return await handler(request)

    app.middlewares.insert(0, cable)
    return await aiohttp_server(app, host="127.0.0.1")


async def offline(context: BrowserContext, line: Line, cut: bool = True) -> None:
    line.cut = cut
    await context.set_offline(cut)


async def check_in(page: Page, key: str) -> None:
    card = page.locator(f'.card[data-lesson="{key}"]')
    await card.get_by_role("button", name="开始上课 / 签到").click()
    await card.get_by_role("button", name="确认签到").click()


async def test_page_reloads_offline_from_the_phones_copy_and_sends_once_back_online(
    browser: Browser, app_server: TestServer, browser_store: Store, line: Line
) -> None:
    key = await lesson_now(browser_store)
    context, page = await phone(browser, app_server)
    await expect(page.locator("#app[data-offline=ready]")).to_have_count(1)
    await expect(page.locator("#no-offline")).to_be_hidden()

    await offline(context, line)
    await page.reload()
    await expect(page.locator(f'.card[data-lesson="{key}"]')).to_contain_text("音乐")
    await expect(page.locator("#stale")).to_contain_text("这是保存在本机的副本：课表为")
    await expect(page.locator("#synced")).to_contain_text("上次同步")
    await expect(page.locator("#app[data-outbox=ready]")).to_have_count(1)
    await check_in(page, key)
    await expect(page.locator("#outbox-count")).to_have_text("1 条待发送")

    await page.reload()  # still offline: the waiting report is still there, not sent
    await expect(page.locator("#app[data-outbox=ready]")).to_have_count(1)
    await expect(page.locator("#outbox-count")).to_have_text("1 条待发送")
    assert await check_ins(browser_store, key) == 0
    # Both reloads came from the phone's copy: the page was never asked for.
    assert "GET /assistant" not in line.refused

    await offline(context, line, cut=False)
    await expect(page.locator("#outbox-count")).to_have_text("全部已发送")
    assert await check_ins(browser_store, key) == 1
    await page.reload()  # online again: the fresh page, nothing sent twice
    await expect(page.locator("#stale")).to_be_hidden()
    await expect(page.locator(f'.card[data-lesson="{key}"]')).to_contain_text("已签到")
    assert await check_ins(browser_store, key) == 1
    await context.close()


async def test_outbox_comes_back_from_indexeddb_when_local_storage_is_wiped(
    browser: Browser, app_server: TestServer, browser_store: Store, line: Line
) -> None:
    key = await lesson_now(browser_store)
    context, page = await phone(browser, app_server)
    await expect(page.locator("#app[data-offline=ready]")).to_have_count(1)
    await offline(context, line)
    await check_in(page, key)
    await expect(page.locator("#outbox-count")).to_have_text("1 条待发送")

    # A WeChat log-out wipes localStorage; IndexedDB still holds the report.
    await page.evaluate("localStorage.removeItem('coordinator.outbox.a-li')")
    await page.reload()
    await expect(page.locator("#app[data-outbox=ready]")).to_have_count(1)
    await expect(page.locator("#outbox-count")).to_have_text("1 条待发送")

    await offline(context, line, cut=False)
    await expect(page.locator("#outbox-count")).to_have_text("全部已发送")
    assert await check_ins(browser_store, key) == 1
    await context.close()


async def test_without_a_service_worker_the_page_warns_not_to_reload_offline(
    browser: Browser, app_server: TestServer, line: Line
) -> None:
    context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, service_workers="block"
    )
    page = await context.new_page()
    await page.goto(str(app_server.make_url("/signin?next=/assistant")))
    await page.fill("input[name=username]", "li")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/assistant")
    await expect(page.locator("#no-offline")).to_contain_text("离线时请勿刷新")
    await expect(page.locator("#no-offline")).to_contain_text("在浏览器中打开")

    await offline(context, line)  # and indeed: with no worker, no page offline
    with pytest.raises(Error, match="net::ERR_"):
        await page.reload()
    await context.close()


async def test_service_worker_and_manifest_are_served_for_the_assistant_scope(
    browser: Browser, app_server: TestServer
) -> None:
    context, page = await phone(browser, app_server)
    worker = await page.request.get(str(app_server.make_url("/assistant/sw.js")))
    assert worker.headers["service-worker-allowed"] == "/assistant"
    assert worker.headers["cache-control"] == "no-cache"
    scope = await page.evaluate(
        "navigator.serviceWorker.ready.then((registration) => registration.scope)"
    )
    assert scope == str(app_server.make_url("/assistant"))
    manifest = await page.request.get(str(app_server.make_url("/assistant/manifest.webmanifest")))
    assert (await manifest.json())["start_url"] == "/assistant"
    await context.close()


async def test_a_copy_past_the_week_it_covers_hides_its_lessons_but_keeps_the_outbox(
    browser: Browser, server: TestServer
) -> None:
    """The fixed-clock server renders Monday 2026-11-23's week; the browser's clock is later."""
    context, page = await phone(browser, server)
    await expect(page.locator("#app[data-offline=ready]")).to_have_count(1)
    expired = "本机保存的课表已过期（同步于 11-23 10:30）"  # the school's clock
    await expect(page.locator("#stale")).to_contain_text(expired)
    await expect(page.locator("#lessons")).to_be_hidden()
    await expect(page.locator("#outbox-count")).to_have_text("全部已发送")
    await context.close()
