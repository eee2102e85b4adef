"""The every-page walk (test_every_page.py) continued over the Data page's in-place edit forms
(each kind, and one refused with a rule across tables) and over a course's section for
parents and teachers in training: each in both languages, on a desktop and a 360 px phone,
fitting the screen, in words, and Chinese on a Chinese page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser
from pytest_aiohttp import AiohttpServer
from sqlmodel import SQLModel

from coordinator import domain
from coordinator.store import Store
from tests.browser.test_console import DOCS_SCREENSHOTS
from tests.browser.test_courses import serve
from tests.browser.test_every_page import SHOOT, VIEWPORTS, Walk, shot_name, signed_in
from tests.services.catalogue.support import arrange
from tests.services.catalogue.test_audiences import PARENTS, TRAINING, audience_county
from tests.web.pages.support import stamp_head

EDITS = [
    "/data/edit/limits/t-wang",
    "/data/edit/calendar/r-east",
    "/data/edit/needs/c-east-3",
    "/data/edit/assistant/c-east-3",
    "/data/edit/pins/t-wang",
    "/data/edit/classroom/new",
    "/data/edit/teacher/new",
    "data-edit-pins-refused",
]
AUDIENCES = {"admin": ["/courses", f"/courses/{TRAINING}/host"], "north": ["/courses"]}


@pytest.fixture
async def parents_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(str(tmp_path / "coordinator.db"), busy_timeout_ms=60_000)
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await arrange(store, audience_county())
    yield store
    await store.close()


class FormWalk(Walk):
    """The walk, with one more pseudo-path: a pin in a grade its teacher does not teach,
    refused by the reader's rule across tables and shown beside its row."""

    async def open(self, path: str) -> int:
        if path != "data-edit-pins-refused":
            return await super().open(path)
        await self.page.goto(str(self.server.make_url("/data/edit/pins/t-wang")))
        pin = {"id": "p-new", "subject_id": "music", "weekday": "4", "start": "10:00"}
        pin |= {"end": "10:40", "grades": "9", "capacity": "1"}
        for name, value in pin.items():  # row 0 holds the teacher's pin; row 1 is empty
            await self.page.fill(f"input[name={name}-1]", value)
        async with self.page.expect_navigation() as answer:
            await self.page.click("form.compute button")
        response = await answer.value
        assert response is not None
        if response.status != 400:
            self.problems.append(f"the pin in grade 9 answered {response.status}, not refused")
        return 200


async def walk_all(walk: Walk, user: str, viewport: str, paths: list[str], shots: str = "") -> None:
    """Each path in Chinese then in English, switching with the header's button; with
    COORDINATOR_SCREENSHOTS=1 the Chinese pages shot for docs/screenshots/, named `shots…`."""
    for language in ("zh", "en"):
        for path in paths:
            where = f"{user} {viewport} {language} {path}"
            status = await walk.open(path)
            if status != 200:
                walk.problems.append(f"{where}: answered {status}")
                continue
            if SHOOT and language == "zh":
                kind = "phone-" if viewport == "phone" else ""
                shot = DOCS_SCREENSHOTS / f"{kind}{shots}{shot_name(path)}-zh.png"
                await walk.page.screenshot(path=str(shot), full_page=viewport == "phone")
            await walk.check(where, language)
        if language == "zh":
            await walk.switch_language(f"{user} {viewport} {paths[-1]}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
async def test_every_edit_form_fits_and_reads_in_words(
    browser: Browser, server: TestServer, browser_store: Store, viewport: str
) -> None:
    await stamp_head(browser_store)
    page = await signed_in(browser, server, "admin", VIEWPORTS[viewport])
    walk = FormWalk(page, server, b"")
    await walk_all(walk, "admin", viewport, EDITS)
    await page.close()
    assert not walk.problems, "\n".join(walk.problems)


def audience_ids(bundle: domain.Bundle) -> set[str]:
    found = {t.id for t in bundle.network_teachers} | {a.id for a in bundle.assistants}
    found |= {c.id for c in bundle.classrooms} | {s.id for s in bundle.schools}
    return {ident for ident in found if "-" in ident}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("user", list(AUDIENCES))
async def test_the_parents_and_training_section_fits_and_reads_in_words(
    browser: Browser,
    aiohttp_server: AiohttpServer,
    parents_store: Store,
    user: str,
    viewport: str,
) -> None:
    server = await serve(aiohttp_server, parents_store)
    page = await signed_in(browser, server, user, VIEWPORTS[viewport])
    walk = Walk(page, server, b"")
    walk.known = audience_ids(audience_county())
    await page.goto(str(server.make_url("/courses")))
    cards = page.locator(f"article[data-course={PARENTS}]")
    if user == "north" and not await cards.count():
        walk.problems.append("no parent class card on /courses")
    await walk_all(walk, user, viewport, AUDIENCES[user], shots=f"audiences-{user}-")
    await page.close()
    assert not walk.problems, "\n".join(walk.problems)
