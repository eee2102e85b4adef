"""The open-course catalogue on a 360 px phone: fits and joins, why not, full, leaving."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from ical.calendar_stream import IcsCalendarStream
from playwright.async_api import Browser, Page, ViewportSize, expect
from pytest_aiohttp import AiohttpServer
from sqlmodel import SQLModel

from coordinator.services.feeds.subscriptions import list_feeds
from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.conftest import Closer, close_apps_then
from tests.services.catalogue.support import COURSE, FIRST_TUESDAY, arrange, catalogue_county
from tests.web.pages.support import NOW, PASSWORD, SECRET, app_for, lessons_received

PHONE: ViewportSize = {"width": 360, "height": 740}
BASE = "http://feeds.test"
UID = f"{COURSE}@{FIRST_TUESDAY.isoformat()}@coordinator"


async def county_store(tmp_path: Path, capacity: int) -> Store:
    # A generous lock wait: on a loaded machine another write's fsync may outlast 5 s.
    store = Store(str(tmp_path / "coordinator.db"), busy_timeout_ms=60_000)
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await arrange(store, catalogue_county(capacity=capacity))
    return store


@pytest.fixture
async def course_store(tmp_path: Path, apps_on_the_store: list[Closer]) -> AsyncIterator[Store]:
    store = await county_store(tmp_path, 8)
    yield store
    await close_apps_then(store, apps_on_the_store)


@pytest.fixture
async def full_store(tmp_path: Path, apps_on_the_store: list[Closer]) -> AsyncIterator[Store]:
    store = await county_store(tmp_path, 2)
    yield store
    await close_apps_then(store, apps_on_the_store)


async def serve(aiohttp_server: AiohttpServer, store: Store) -> TestServer:
    return await aiohttp_server(app_for(store, PagesConfig(clock=lambda: NOW)), host="127.0.0.1")


async def on_phone(browser: Browser, server: TestServer, username: str) -> Page:
    page = await browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    await page.goto(str(server.make_url("/signin")))
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda address: "/signin" not in address)  # signed in and stored
    await page.goto(str(server.make_url("/courses")))
    return page


async def teacher_feed(server: TestServer, store: Store) -> dict[str, tuple[int, str]]:
    """UID -> (SEQUENCE, DESCRIPTION) of the teacher's feed over HTTP, read by `ical`."""
    links = await list_feeds(store, secret=SECRET.encode(), base_url=BASE)
    link = next(link for link in links if str(link.owner) == "teacher:t-wang")
    address = server.make_url(link.https.removeprefix(BASE))
    async with aiohttp.ClientSession() as session, session.get(address) as response:
        assert response.status == 200
        text = await response.text()
    calendar = IcsCalendarStream.calendar_from_ics(text)
    return {str(e.uid): (int(e.sequence or 0), str(e.description or "")) for e in calendar.events}


async def test_assistant_whose_bells_fit_joins_and_teacher_feed_lists_the_classroom(
    browser: Browser, aiohttp_server: AiohttpServer, course_store: Store
) -> None:
    server = await serve(aiohttp_server, course_store)
    before = await teacher_feed(server, course_store)
    page = await on_phone(browser, server, "north")
    card = page.locator(f"article[data-course={COURSE}]")
    await expect(card).to_contain_text("音乐")
    await expect(card.locator(".seats")).to_have_text("2")
    await card.locator("summary").click()  # tap one
    await card.get_by_role("button", name="确认加入这门课").click()  # tap two
    await expect(page.locator("p.ok[role=status]")).to_contain_text("已加入")
    await expect(card).to_contain_text("已从")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    after = await teacher_feed(server, course_store)
    assert after[UID][0] == before[UID][0] + 1
    assert "北村小学" in after[UID][1]
    assert "北村小学" not in before[UID][1]


async def test_assistant_whose_bells_do_not_fit_sees_why(
    browser: Browser, aiohttp_server: AiohttpServer, course_store: Store
) -> None:
    page = await on_phone(browser, await serve(aiohttp_server, course_store), "hill")
    card = page.locator(f"article[data-course={COURSE}]")
    await expect(card.locator(".why")).to_have_text(
        "与本校作息不符：本校没有能容纳这节课的直播课时段。"
    )
    await expect(card.locator("summary")).to_have_count(0)


async def test_full_course_refuses_a_join_with_a_message(
    browser: Browser, aiohttp_server: AiohttpServer, full_store: Store
) -> None:
    server = await serve(aiohttp_server, full_store)
    page = await on_phone(browser, server, "north")
    card = page.locator(f"article[data-course={COURSE}]")
    await expect(card.locator(".why")).to_have_text("名额已满。")
    # A join sent anyway (a page left open while another school took the seat) is refused.
    response = await page.request.post(
        str(page.url).split("/courses")[0] + f"/courses/{COURSE}/join",
        form={
            "_csrf": await page.locator("input[name=_csrf]").first.input_value(),
            "classroom": "c-north-3",
        },
    )
    assert response.status == 409
    assert "未能加入：名额已满。" in await response.text()


async def test_leaving_cancels_only_that_classrooms_future_lessons(
    browser: Browser, aiohttp_server: AiohttpServer, course_store: Store
) -> None:
    page = await on_phone(browser, await serve(aiohttp_server, course_store), "north")
    card = page.locator(f"article[data-course={COURSE}]")
    await card.locator("summary").click()
    await card.get_by_role("button", name="确认加入这门课").click()
    await expect(page.locator("p.ok[role=status]")).to_contain_text("已加入")
    await card.locator("summary").click()
    await card.locator("input[name=from]").fill("2026-12-08")
    await card.get_by_role("button", name="确认退出这门课").click()
    await expect(page.locator("p.ok[role=status]")).to_contain_text("已退出")
    north = {row.date for row in await lessons_received(course_store, "c-north-3")}
    east = {row.date for row in await lessons_received(course_store, "c-east-3")}
    course_dates = {d for d in east if d.isoweekday() == 2}
    assert north == {d for d in course_dates if d < dt.date(2026, 12, 8)}
    assert any(d >= dt.date(2026, 12, 8) for d in course_dates)


async def test_a_page_left_open_while_the_last_seat_goes_shows_why_the_join_failed(
    browser: Browser, aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    store = await county_store(tmp_path, 3)  # the timetable's two classrooms and one seat
    try:
        server = await serve(aiohttp_server, store)
        north = await on_phone(browser, server, "north")
        card = north.locator(f"article[data-course={COURSE}]")
        await expect(card.locator(".seats")).to_have_text("1")
        await card.locator("summary").click()  # north's first tap, then south takes the seat
        south = await on_phone(browser, server, "south")
        theirs = south.locator(f"article[data-course={COURSE}]")
        await theirs.locator("summary").click()
        await theirs.get_by_role("button", name="确认加入这门课").click()
        await expect(south.locator("p.ok[role=status]")).to_contain_text("已加入")
        await card.get_by_role("button", name="确认加入这门课").click()  # north's second tap
        await expect(north.locator("p.refused[role=alert]")).to_have_text("未能加入：名额已满。")
        assert await north.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert await lessons_received(store, "c-north-3") == []
    finally:
        await store.close()
