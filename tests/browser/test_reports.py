"""The Reports page in a real browser: open it, switch to English, change the period, download."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, ConsoleMessage, expect
from pytest_aiohttp import AiohttpClient, AiohttpServer

from coordinator.services.checkins import CheckinConfig
from coordinator.store import Store
from coordinator.web.api import CHECKIN_CONFIG
from coordinator.web.pages.config import PagesConfig
from tests.attendance.seed import Clock
from tests.browser.test_console import screenshots, shoot, signed_in
from tests.web.pages.support import NOW, app_for
from tests.web.pages.test_reports_page import PAGE_NOW, arrange_far, record_check_ins

__all__ = ["screenshots"]  # the fixture: docs/screenshots/ with COORDINATOR_SCREENSHOTS=1


@pytest.fixture
async def reports_server(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient, browser_store: Store
) -> TestServer:
    """The server on Wednesday noon, after Monday's and Tuesday's check-ins through the API."""
    await arrange_far(browser_store)
    clock = Clock(NOW)
    app = app_for(browser_store, PagesConfig(clock=lambda: PAGE_NOW))
    app[CHECKIN_CONFIG] = CheckinConfig(clock=clock)
    server = await aiohttp_server(app, host="127.0.0.1")
    await record_check_ins(await aiohttp_client(server), browser_store, clock)
    return server


async def test_reports_render_charts_and_tables_in_both_languages(
    browser: Browser, reports_server: TestServer, screenshots: Path
) -> None:
    server = reports_server
    page = await signed_in(browser, server, "admin")
    problems: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    page.on("console", watch)
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.click("nav >> text=报表")
    await expect(page.locator("h1")).to_contain_text("报表")
    await expect(page.locator("#attendance-table")).to_contain_text("东村小学")
    failures = page.locator("#failures-table tbody tr", has_text="直播中断")
    await expect(failures.locator("td")).to_have_text("1")

    await page.click("button[value=en]")
    await expect(page.locator("h1")).to_contain_text("Reports")
    await page.fill("input[name=from]", "2026-11-23")
    await page.fill("input[name=to]", "2026-11-29")
    await page.select_option("select[name=by]", "classroom")
    await page.click("form.report-form button")
    await expect(page.locator("h1 small")).to_contain_text("23 November 2026")
    await expect(page.locator("h1 small")).to_contain_text("29 November 2026")
    attendance = page.locator("#attendance-table")
    await expect(attendance).to_contain_text("东村小学 三年级（1）班")
    await expect(attendance.locator("tfoot")).to_contain_text("Total")
    await expect(page.locator("#kaiqi-table tr.below").first).to_contain_text("yes")
    charts = page.locator("figure.chart svg")
    await expect(charts).to_have_count(2)
    await expect(charts.nth(0)).to_contain_text("Weekly delivery rate")
    await expect(charts.nth(1)).to_contain_text("Failures by cause")
    box = await charts.nth(0).bounding_box()
    assert box is not None
    assert box["height"] > 100

    async with page.expect_download() as download:
        await page.locator("#attendance .downloads a", has_text="CSV").click()
    assert (await download.value).suggested_filename == ("attendance-2026-11-23_2026-11-29.csv")
    await shoot(page, screenshots, "reports")
    assert problems == []
