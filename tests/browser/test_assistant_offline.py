"""The assistant's phone page in a real browser: a check-in made offline is sent exactly once."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_aiohttp import AiohttpServer
from sqlalchemy import func
from sqlmodel import select

from coordinator import models
from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.notify.support import add_lesson
from tests.web.pages.support import PASSWORD, app_for

DOCS_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
PHONE: ViewportSize = {"width": 360, "height": 740}
SHANGHAI = ZoneInfo("Asia/Shanghai")
ROOM = "c-east-3"  # a-li's classroom, 32 pupils


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """docs/screenshots/ with COORDINATOR_SCREENSHOTS=1; a temporary folder otherwise."""
    folder = DOCS_SCREENSHOTS if os.environ.get("COORDINATOR_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def live_server(aiohttp_server: AiohttpServer, browser_store: Store) -> TestServer:
    """The pages and the API on the real clock: the lesson below is under way now."""
    return await aiohttp_server(app_for(browser_store, PagesConfig()), host="127.0.0.1")


async def lesson_now(store: Store) -> str:
    """A music lesson of t-wang in c-east-3 that started five minutes ago (or at midnight, when
    that is nearer: the phone shows today's lessons, so the lesson must start today); its key."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    midnight = dt.datetime.combine(now.astimezone(SHANGHAI).date(), dt.time(), SHANGHAI)
    start = max(now - dt.timedelta(minutes=5), midnight.astimezone(dt.UTC))
    day = start.astimezone(SHANGHAI).date()
    key = f"now-music@{day.isoformat()}"
    await add_lesson(store, start, key=key, rooms=(ROOM,), changed_at=start, day=day)
    return key


async def check_ins(store: Store, key: str) -> int:
    query = (
        select(func.count())
        .select_from(models.AttendanceRow)
        .where(
            models.AttendanceRow.lesson_key == key,
            models.AttendanceRow.classroom_id == ROOM,
            models.AttendanceRow.kind == "check_in",
        )
    )
    async with store.read() as session:
        return (await session.exec(query)).one()


async def phone(browser: Browser, server: TestServer) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    await page.goto(str(server.make_url("/signin?next=/assistant")))
    await page.fill("input[name=username]", "li")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/assistant")
    # The page fetched this phone's API token while the network was there.
    await expect(page.locator("#app[data-token=ready]")).to_have_count(1)
    return context, page


REPLAY = """async (item) => {
  const response = await fetch('/api/v1/check-ins', {
    method: 'POST', body: JSON.stringify(item.body),
    headers: {'Content-Type': 'application/json', 'Idempotency-Key': '"' + item.key + '"',
              'Authorization': 'Bearer ' + localStorage.getItem('coordinator.token.a-li')}});
  return [response.status, response.headers.get('Idempotent-Replayed')];
}"""

REQUEUE = """(item) => {
  window.coordinatorOutbox.save([Object.assign(item, {next: 0, tries: 0})]);
  return window.coordinatorOutbox.flush();
}"""


async def test_check_in_offline_waits_then_is_stored_exactly_once(
    browser: Browser, live_server: TestServer, browser_store: Store, screenshots: Path
) -> None:
    key = await lesson_now(browser_store)
    context, page = await phone(browser, live_server)
    card = page.locator(f'.card[data-lesson="{key}"]')
    count = page.locator("#outbox-count")
    await expect(card).to_contain_text("音乐")

    await context.set_offline(True)
    await card.get_by_role("button", name="开始上课 / 签到").click()
    await expect(
        card.locator("form[data-kind=check_in] input[name=students_present]")
    ).to_have_value("32")
    await card.get_by_role("button", name="确认签到").click()
    await expect(count).to_have_text("1 条待发送")
    await expect(card.locator(".state")).to_contain_text("等待发送")
    item = await page.evaluate("window.coordinatorOutbox.load()[0]")
    assert await check_ins(browser_store, key) == 0
    await page.screenshot(path=str(screenshots / "assistant-zh.png"), full_page=True)

    await context.set_offline(False)
    await expect(count).to_have_text("全部已发送", timeout=30_000)
    await expect(card.locator(".state")).to_contain_text("已发送")
    assert await check_ins(browser_store, key) == 1

    # The outbox sends the same item again (a retry that fired twice), then a manual replay.
    await page.evaluate(REQUEUE, item)
    await expect(count).to_have_text("全部已发送")
    assert await page.evaluate("window.coordinatorOutbox.load().length") == 0
    assert await page.evaluate(REPLAY, item) == [200, "true"]
    assert await check_ins(browser_store, key) == 1

    await page.click("button[value=en]")
    await expect(page.locator("#outbox-count")).to_have_text("Everything is sent")
    await expect(page.locator(f'.card[data-lesson="{key}"]')).to_contain_text("Checked in")
    await page.screenshot(path=str(screenshots / "assistant-en.png"), full_page=True)
    await context.close()
