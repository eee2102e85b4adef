"""The console in a real browser: sign in, Today going live, English, scope, screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from coordinator.store import Store
from tests.web.pages.support import PASSWORD
from tests.web.pages.test_pages import check_in

DOCS_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def url(server: TestServer, path: str) -> str:
    return str(server.make_url(path))


async def signed_in(browser: Browser, server: TestServer, username: str) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    await page.goto(url(server, "/signin"))
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    return page


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """docs/screenshots/ with COORDINATOR_SCREENSHOTS=1; a temporary folder otherwise."""
    folder = DOCS_SCREENSHOTS if os.environ.get("COORDINATOR_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def shoot(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def test_today_shows_a_lesson_going_live_and_a_classroom_checking_in(
    browser: Browser, server: TestServer, browser_store: Store, screenshots: Path
) -> None:
    page = await signed_in(browser, server, "admin")
    await expect(page.locator("h1")).to_contain_text("今日")
    lesson = page.locator("tbody tr", has_text="10:10–10:50")
    await expect(lesson).to_contain_text("迟到/未签到")  # 20 minutes in, nobody there
    await expect(lesson).to_contain_text("0 / 1")
    await check_in(browser_store)  # the teacher publishes, the classroom checks in
    await expect(lesson.locator(".badge.live").first).to_be_visible(timeout=30_000)
    await expect(lesson).to_contain_text("1 / 1")
    await shoot(page, screenshots, "today-zh")
    await page.click("button[value=en]")
    await expect(page.locator("h1")).to_contain_text("Today")
    await expect(page.locator("tbody")).to_contain_text("teacher live")
    await shoot(page, screenshots, "today-en")


async def test_assistant_cannot_open_another_schools_page(
    browser: Browser, server: TestServer
) -> None:
    page = await signed_in(browser, server, "zhao")
    await expect(page.locator("h1")).to_contain_text("赵老师")
    response = await page.goto(url(server, "/timetables/school/r-east"))
    assert response is not None
    assert response.status == 404
    await expect(page.locator("main")).to_contain_text("页面不存在或无权查看")
    own = await page.goto(url(server, "/timetables/school/r-west"))
    assert own is not None
    assert own.status == 200


ALL_PAGES = {
    "admin": [
        "/timetables",
        "/timetables/school/r-east?week=2026-11-23",
        "/calendars",
        "/data",
        "/audit",
    ],
    "wang": ["/teachers/t-wang?week=2026-11-23"],
}
FEW_PAGES = {"admin": ["/timetables/school/r-east?week=2026-11-23"], "wang": ALL_PAGES["wang"]}


async def test_main_pages_render_in_both_languages_with_screenshots(
    browser: Browser, server: TestServer, screenshots: Path
) -> None:
    """Every main page with COORDINATOR_SCREENSHOTS=1 (for docs/screenshots/), else a few."""
    every = screenshots == DOCS_SCREENSHOTS
    headings = {}
    for username, paths in (ALL_PAGES if every else FEW_PAGES).items():
        page = await signed_in(browser, server, username)
        for language in ("zh", "en"):
            if language == "en":
                await page.click("button[value=en]")
            for path in paths:
                await page.goto(url(server, path))
                name = path.strip("/").split("?")[0].replace("/", "-")
                await shoot(page, screenshots, f"{name}-{language}")
                headings[f"{name}-{language}"] = await page.locator("h1").inner_text()
        await page.close()
    if every:
        signin = await browser.new_page(locale="zh-CN")
        await signin.goto(url(server, "/signin"))
        await shoot(signin, screenshots, "signin-zh")
    assert headings["timetables-school-r-east-en"].startswith("东村小学 week of Monday")
    assert headings["teachers-t-wang-zh"].startswith("王丽 2026年11月23日星期一")
