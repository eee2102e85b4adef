"""Every page each role opens, in both languages, on a desktop and on a 360 px phone: no
sideways scrolling (scrollWidth ≤ innerWidth), the header on one line, no raw id in the text
people read (ids may stay in form fields and addresses), and no English sentence on a Chinese
page."""

from __future__ import annotations

import os
import re

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page

from tests.browser.test_console import DOCS_SCREENSHOTS
from tests.factories import small_bundle
from tests.web.pages.support import PASSWORD

WEEK = "?week=2026-11-23"
PAGES = {
    "admin": [
        "/today",
        "/timetables",
        f"/timetables/school/r-east{WEEK}",
        "/calendars",
        "/reports",
        "/audit",
        "/courses",
        "/courses/p-open-music/host",
    ],
    "wang": [f"/teachers/t-wang{WEEK}", "/calendars"],
    "li": ["/assistant", "/calendars", f"/timetables/classroom/c-east-3{WEEK}", "/courses"],
}
VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
SHOOT = os.environ.get("COORDINATOR_SCREENSHOTS") == "1"
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}\b")


def ids() -> set[str]:
    """Every id of the test county a person could meet: teachers, assistants, rooms, schools."""
    bundle = small_bundle()
    found = {t.id for t in bundle.network_teachers} | {a.id for a in bundle.assistants}
    found |= {c.id for c in bundle.classrooms} | {s.id for s in bundle.schools}
    return {ident for ident in found if "-" in ident}  # "t-wang", not a bare word


async def signed_in(browser: Browser, server: TestServer, user: str, size: tuple[int, int]) -> Page:
    page = await browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    await page.goto(str(server.make_url("/signin")))
    await page.fill("input[name=username]", user)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    return page


MEASURE = """() => {
  const top = document.querySelector('.top');
  const boxes = top ? [...top.children].filter(e => e.offsetHeight > 0)
    .map(e => e.getBoundingClientRect()) : [];
  // One line: every part of the header overlaps every other vertically.
  const oneLine = boxes.every(a => boxes.every(b => a.top < b.bottom && b.top < a.bottom));
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 3).map(e => e.tagName + '.' + e.className);
  return {
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    oneLine: oneLine,
    wide: wide,
    text: document.body.innerText,
  };
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("user", list(PAGES))
async def test_every_page_fits_and_reads_in_words(
    browser: Browser, server: TestServer, user: str, viewport: str
) -> None:
    page = await signed_in(browser, server, user, VIEWPORTS[viewport])
    known = ids()
    problems = []
    for language in ("zh", "en"):
        if language == "en":
            await page.click("button[value=en]")
        for path in PAGES[user]:
            response = await page.goto(str(server.make_url(path)))
            assert response is not None
            assert response.status == 200, path
            seen = await page.evaluate(MEASURE)
            if SHOOT and viewport == "phone" and language == "zh":  # for docs/screenshots/
                name = path.strip("/").split("?")[0].replace("/", "-")
                await page.screenshot(path=str(DOCS_SCREENSHOTS / f"phone-{name}-zh.png"))
            where = f"{user} {viewport} {language} {path}"
            if seen["scroll"] > seen["inner"]:
                wide = seen["wide"]
                problems.append(f"{where}: {seen['scroll']} px wide in {seen['inner']}: {wide}")
            if not seen["oneLine"]:
                problems.append(f"{where}: the header takes more than one line")
            raw = sorted(ident for ident in known if re.search(rf"\b{ident}\b", seen["text"]))
            if raw:
                problems.append(f"{where}: raw ids {raw}")
            if language == "zh":
                english = ENGLISH_SENTENCE.findall(seen["text"])
                if english:
                    problems.append(f"{where}: English on a Chinese page {english[:3]}")
    await page.close()
    assert not problems, "\n".join(problems)
