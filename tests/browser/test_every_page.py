"""Every page each role opens, in both languages, on a desktop and on a 360 px phone: no
sideways scrolling (scrollWidth ≤ innerWidth), the header's top line on one line with every
nav item on screen (on a phone the nav wraps onto rows below it), no raw id in the text
people read (ids may stay in form fields and addresses), and no English sentence on a Chinese
page.

Besides the pages with an address of their own, the walk follows the forms whose answer is a
page: a rebalance preview, and the Data page's result for an uploaded table with an error (its
language switch must come back to a page, not to the POST's address)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, FilePayload, Page
from pytest_aiohttp import AiohttpServer

from coordinator.app import create_app
from coordinator.bundle import write_bundle_csv
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.tenancy import region_part
from coordinator.settings import FeedSettings, Settings
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.watch import WatchSigner, WatchTicket
from coordinator.web.pages.config import PAGES as PAGES_CONFIG
from coordinator.web.pages.config import PagesConfig
from tests.browser.test_console import DOCS_SCREENSHOTS
from tests.factories import small_bundle
from tests.streams.factories import rtmp_settings
from tests.web.pages.support import MONDAY, NOW, PASSWORD, SECRET, first_lesson, stamp_head

WEEK = "?week=2026-11-23"
NEXT_WEEK = "?week=2026-11-30"
PAGES = {
    "admin": [
        "/today",
        "/timetables",
        f"/timetables/school/r-east{WEEK}",
        f"/timetables/teacher/t-wang{WEEK}",
        f"/timetables/classroom/c-east-3{NEXT_WEEK}",
        "/calendars",
        "/reports",
        "/audit",
        "/solve",
        "/courses",
        "/courses/requests",
        "/courses/p-open-music/host",
        "/messages",
        "/messages/contact",
        "/messages/audiences",
        "/data",
        "/data/teachers/t-wang/busy",
        "/rebalance",
        "{lesson}",
        "{go_live}",
        "{watch}",
        "preview",
        "upload",
    ],
    "wang": [
        f"/teachers/t-wang{WEEK}",
        f"/teachers/t-wang{NEXT_WEEK}",
        f"/timetables/teacher/t-wang{WEEK}",
        "/calendars",
        "{go_live}",
    ],
    "li": [
        "/assistant",
        "/courses",
        "/calendars",
        f"/timetables/classroom/c-east-3{WEEK}",
        "{watch}",
    ],
}
VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
SHOOT = os.environ.get("COORDINATOR_SCREENSHOTS") == "1"
DUMP = os.environ.get("WALK_DUMP", "")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]+(?: [A-Za-z]+){2,}\b")  # three words or more
# What a Chinese page may show in Latin letters: a file's or a table's name, a clock.
ALLOWED_LATIN = ("busy_blocks",)


@pytest.fixture
async def server(aiohttp_server: AiohttpServer, browser_store: Store) -> TestServer:
    """The pages with a streaming server that takes a push, so the go-live page exists."""
    streams = StreamsSettings(provider="rtmp", rtmp=rtmp_settings())
    settings = Settings(streams=streams, secret_key=SECRET, feeds=FeedSettings(counter_ttl_s=0))
    app = create_app(settings, browser_store)
    app[PAGES_CONFIG] = PagesConfig(clock=lambda: NOW, today_refresh_s=1)
    return await aiohttp_server(app, host="127.0.0.1")


def ids() -> set[str]:
    """Every id of the test county a person could meet: teachers, assistants, rooms, schools."""
    bundle = small_bundle()
    found = {t.id for t in bundle.network_teachers} | {a.id for a in bundle.assistants}
    found |= {c.id for c in bundle.classrooms} | {s.id for s in bundle.schools}
    return {ident for ident in found if "-" in ident}  # "t-wang", not a bare word


async def addresses(store: Store) -> dict[str, str]:
    """The pages whose address is made per lesson: its page, the teacher's go-live page and
    the classroom's watch page (signed like the links in the feeds)."""
    lesson = await first_lesson(store, "c-east-3", MONDAY)
    until = NOW + dt.timedelta(days=1)
    watch = WatchSigner(SECRET.encode().hex())
    go_live = WatchSigner(SECRET.encode().hex(), purpose="go-live")
    return {
        "{lesson}": f"/lessons/{lesson.key}",
        "{watch}": watch.path(WatchTicket(lesson.key, "c-east-3", until)),
        "{go_live}": go_live.path(WatchTicket(lesson.key, "", until)),
    }


async def broken_table(store: Store, folder: Path) -> bytes:
    """busy_blocks.csv as the admin downloads it, with an hour that is not a clock time."""
    write_bundle_csv(region_part(await load_bundle(store), "xiao"), folder)
    lines = (folder / "busy_blocks.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[3], "25:61")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


async def signed_in(browser: Browser, server: TestServer, user: str, size: tuple[int, int]) -> Page:
    page = await browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    await page.goto(str(server.make_url("/signin")))
    await page.fill("input[name=username]", user)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    return page


MEASURE = """() => {
  const top = document.querySelector('.top');
  const nav = top ? top.querySelector('nav') : null;
  const phone = window.innerWidth <= 600;  // the nav wraps onto rows below the top line
  const boxes = top ? [...top.children].filter(e => e.offsetHeight > 0 && !(phone && e === nav))
    .map(e => e.getBoundingClientRect()) : [];
  // One line: every part of the header's top line overlaps every other vertically.
  const oneLine = boxes.every(a => boxes.every(b => a.top < b.bottom && b.top < a.bottom));
  // Every nav item on screen as it is, with no scrolling inside the nav either.
  const unreachable = !nav ? [] : [...nav.querySelectorAll('a')].filter(a => {
    const box = a.getBoundingClientRect();
    return box.width === 0 || box.left < 0 || box.right > window.innerWidth + 0.5
      || nav.scrollWidth > nav.clientWidth + 0.5;
  }).map(a => a.textContent.trim());
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 3).map(e => e.tagName + '.' + e.className);
  return {
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    oneLine: oneLine,
    unreachable: unreachable,
    wide: wide,
    text: document.body.innerText,
  };
}"""


def keep(text: str) -> None:
    with Path(DUMP).open("a", encoding="utf-8") as dump:
        dump.write(text)


class Walk:
    """One user's walk through their pages; what it finds is kept, not raised at once."""

    def __init__(self, page: Page, server: TestServer, table: bytes) -> None:
        self.page, self.server, self.table = page, server, table
        self.known = ids()
        self.problems: list[str] = []

    async def open(self, path: str) -> int:
        """Go to a page (or submit the form a pseudo-path names); the answer's status."""
        if path == "preview":
            await self.page.goto(str(self.server.make_url("/rebalance")))
            form = self.page.locator("section#teacher form")
            await form.locator("select[name=teacher]").select_option("t-wang")
            await form.locator("input.week-shortcut").nth(1).click()  # next week
            first = await form.locator("input[name=first]").input_value()
            last = await form.locator("input[name=last]").input_value()
            if (first, last) != ("2026-11-30", "2026-12-06"):
                self.problems.append(f"next week's shortcut filled {first} to {last}")
            async with self.page.expect_navigation() as answer:
                await form.locator("button").click()
        elif path == "upload":
            await self.page.goto(str(self.server.make_url("/data")))
            files = FilePayload(name="busy_blocks.csv", mimeType="text/csv", buffer=self.table)
            await self.page.set_input_files("input[name=bundle]", files=files)
            async with self.page.expect_navigation() as answer:
                await self.page.click("form[action='/data/upload'] button")
        else:
            response = await self.page.goto(str(self.server.make_url(path)))
            assert response is not None
            return response.status
        response = await answer.value
        assert response is not None
        return response.status

    async def check(self, where: str, language: str) -> None:
        seen = await self.page.evaluate(MEASURE)
        if seen["scroll"] > seen["inner"]:
            wide = seen["wide"]
            self.problems.append(f"{where}: {seen['scroll']} px wide in {seen['inner']}: {wide}")
        if not seen["oneLine"]:
            self.problems.append(f"{where}: the header's top line takes more than one line")
        if seen["unreachable"]:
            self.problems.append(f"{where}: nav items off screen {seen['unreachable']}")
        text = seen["text"]
        if DUMP:  # WALK_DUMP=/tmp/walk.txt keeps what each page said, to read through
            keep(f"===== {where}\n{text}\n")
        raw = sorted(ident for ident in self.known if re.search(rf"\b{ident}\b", text))
        if raw:
            self.problems.append(f"{where}: raw ids {raw}")
        if language == "zh":
            english = [
                found
                for found in ENGLISH_SENTENCE.findall(text)
                if not any(allowed in found for allowed in ALLOWED_LATIN)
            ]
            if english:
                self.problems.append(f"{where}: English on a Chinese page {english[:3]}")

    async def switch_language(self, where: str) -> None:
        """The header's language button, from whatever page is open, lands on a page."""
        async with self.page.expect_navigation() as answer:
            await self.page.click("header button[name=lang]")
        response = await answer.value
        if response is None or response.status != 200:
            status = response.status if response else None
            self.problems.append(f"{where}: switching language answered {status}")


def shot_name(path: str) -> str:
    """phone-timetables-school-r-east-zh.png; a signed address by its kind only."""
    name = path.strip("/{}").split("?")[0].replace("/", "-").replace("_", "-")
    return f"{name}-next-week" if path.endswith(NEXT_WEEK) else name


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("user", list(PAGES))
async def test_every_page_fits_and_reads_in_words(
    browser: Browser,
    server: TestServer,
    browser_store: Store,
    tmp_path: Path,
    user: str,
    viewport: str,
) -> None:
    await stamp_head(browser_store)
    made = await addresses(browser_store)
    page = await signed_in(browser, server, user, VIEWPORTS[viewport])
    walk = Walk(page, server, await broken_table(browser_store, tmp_path))
    for language in ("zh", "en"):
        for path in PAGES[user]:
            where = f"{user} {viewport} {language} {path}"
            status = await walk.open(made.get(path, path))
            if status != 200:
                walk.problems.append(f"{where}: answered {status}")
                continue
            if SHOOT and language == "zh":  # for docs/screenshots/
                kind = "phone-" if viewport == "phone" else ""
                shot = DOCS_SCREENSHOTS / f"{kind}{shot_name(path)}-zh.png"
                await page.screenshot(path=str(shot), full_page=viewport == "phone")
            await walk.check(where, language)
        if language == "zh":  # from the last page walked: the upload's result for the admin
            await walk.switch_language(f"{user} {viewport} {PAGES[user][-1]}")
    await page.close()
    assert not walk.problems, "\n".join(walk.problems)
