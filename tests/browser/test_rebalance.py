"""The full rebalance flow in a real browser: a teacher sick for a week, preview, apply, feeds.

王丽 (t-wang) is sick from Tuesday 24 to Monday 30 November. After applying, each of her
lessons that week is in the substitute 陈明's (t-chen) feed under the same UID with SEQUENCE
up, or cancelled in hers; both feeds are fetched over HTTP and parsed with icalendar.
"""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from coordinator.store import Store
from tests.browser.test_console import DOCS_SCREENSHOTS, shoot, signed_in, url
from tests.web.pages.test_rebalance_page import (
    Shown,
    check_week_went_to_the_substitute,
    feed_path,
    in_week,
    lessons,
    parse_feed,
)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """docs/screenshots/ with COORDINATOR_SCREENSHOTS=1; a temporary folder otherwise."""
    folder = DOCS_SCREENSHOTS if os.environ.get("COORDINATOR_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def fetch_feed(server: TestServer, store: Store, owner: str) -> dict[str, Shown]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(url(server, await feed_path(store, owner))) as response,
    ):
        assert response.status == 200
        return parse_feed(await response.read())


async def test_teacher_sick_for_a_week_moves_her_lessons_to_the_substitute(
    browser: Browser, server: TestServer, browser_store: Store, screenshots: Path
) -> None:
    before = await lessons(browser_store)
    wang_before = await fetch_feed(server, browser_store, "teacher:t-wang")
    page = await signed_in(browser, server, "admin")
    await page.goto(url(server, "/rebalance"))
    form = page.locator("section#teacher form")
    await form.locator("select[name=teacher]").select_option("t-wang")
    await form.locator("select[name=reason]").select_option("sick")
    await form.locator("input[name=first]").fill("2026-11-24")
    await form.locator("input[name=last]").fill("2026-11-30")
    await form.locator("button").click()
    await expect(page.locator("h1")).to_contain_text("调整方案")
    await expect(page.locator("p.change")).to_contain_text("王丽（城关一小）不能上课")
    await expect(page.locator("table.dated")).to_contain_text("陈明（城关一小）")
    await shoot(page, screenshots, "rebalance")
    await page.click("button.apply")
    await expect(page.locator(".applied")).to_contain_text("已应用为第 2 版课表")
    after = await lessons(browser_store)
    wang = await fetch_feed(server, browser_store, "teacher:t-wang")
    chen = await fetch_feed(server, browser_store, "teacher:t-chen")
    check_week_went_to_the_substitute(before, after, wang_before, wang, chen)
    untouched = {key for key in before if not in_week(key) and before[key].teacher_id == "t-wang"}
    assert all(after[key].revision == before[key].revision for key in untouched)
