"""A parent class on a 360 px phone: the assistant joins the classroom's parents in two taps,
and the classroom's feed then lists the class on the classroom's own school days."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from ical.calendar_stream import IcsCalendarStream
from playwright.async_api import Browser, expect
from pytest_aiohttp import AiohttpServer
from sqlmodel import SQLModel

from coordinator.services.feeds.subscriptions import list_feeds
from coordinator.store import Store
from tests.browser.test_courses import BASE, PHONE, on_phone, serve
from tests.services.catalogue.support import arrange
from tests.services.catalogue.test_audiences import PARENTS, audience_county
from tests.web.pages.support import SECRET


@pytest.fixture
async def parents_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(str(tmp_path / "coordinator.db"), busy_timeout_ms=60_000)
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await arrange(store, audience_county())
    yield store
    await store.close()


async def parent_classes(server_url: str, store: Store, owner: str) -> list[str]:
    """Summaries of the owner's feed events of the parent class, read by `ical`."""
    links = await list_feeds(store, secret=SECRET.encode(), base_url=BASE)
    link = next(link for link in links if str(link.owner) == owner)
    address = server_url + link.https.removeprefix(BASE)
    async with aiohttp.ClientSession() as session, session.get(address) as response:
        assert response.status == 200
        text = await response.text()
    calendar = IcsCalendarStream.calendar_from_ics(text)
    return [str(e.summary) for e in calendar.events if str(e.uid).startswith(f"event-{PARENTS}.")]


async def test_assistant_joins_the_classrooms_parents_and_their_feed_lists_it(
    browser: Browser, aiohttp_server: AiohttpServer, parents_store: Store
) -> None:
    server = await serve(aiohttp_server, parents_store)
    url = str(server.make_url("")).rstrip("/")
    assert await parent_classes(url, parents_store, "classroom:c-north-3") == []
    page = await on_phone(browser, server, "north")
    card = page.locator(f"article[data-course={PARENTS}][data-audience=classroom]")
    await expect(card).to_contain_text("本班家长")
    await card.locator("summary").click()
    await card.get_by_role("button", name="确认加入这门课").click()
    await expect(page.locator("p.ok[role=status]")).to_contain_text("已加入")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    listed = await parent_classes(url, parents_store, "classroom:c-north-3")
    assert listed
    assert all(summary.startswith("【家长课堂】") for summary in listed)
    assert await parent_classes(url, parents_store, "classroom:c-south-4") == []
