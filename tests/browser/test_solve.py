"""Solve from the console in a real browser: the bar advances, stop, proposal, publish, feed.

On a generated county of 60 classrooms the admin starts a 60-second solve, watches the
progress bar move (the page's script updates it, no reload) and stops it early: the proposal
holds the best timetable found so far. On the arranged county the admin edits 王丽's busy
blocks in place, solves and publishes; her feed is fetched over HTTP and parsed: a lesson
that stayed keeps its UID and SEQUENCE, a lesson that moved keeps its UID, SEQUENCE up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect
from pytest_aiohttp import AiohttpServer
from sqlmodel import SQLModel

from coordinator import models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.browser.test_console import shoot, signed_in, url
from tests.browser.test_rebalance import fetch_feed, screenshots
from tests.conftest import Closer, close_apps_then
from tests.web.pages.support import NOW, PASSWORD, TEST_HASHER, app_for, stamp_head
from tests.web.pages.test_rebalance_page import lessons

__all__ = ["screenshots"]


@pytest.fixture
async def large_store(tmp_path: Path, apps_on_the_store: list[Closer]) -> AsyncIterator[Store]:
    """A generated county large enough that a solve runs until stopped; one region admin."""
    store = Store(str(tmp_path / "large.db"))
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    bundle = generate_bundle(classrooms=60, teachers=20, seed=3)
    await import_bundle(store, bundle, source="test", now=NOW)
    async with store.write() as session:
        session.add(
            models.UserRow(
                username="admin",
                role="admin",
                scope_kind="region",
                scope_id=bundle.regions[0].id,
                password_hash=TEST_HASHER.hash(PASSWORD),
                created_at=NOW,
            )
        )
    yield store
    await close_apps_then(store, apps_on_the_store)


@pytest.fixture
async def large_server(aiohttp_server: AiohttpServer, large_store: Store) -> TestServer:
    return await aiohttp_server(
        app_for(large_store, PagesConfig(clock=lambda: NOW)), host="127.0.0.1"
    )


async def start(page: Page, server: TestServer, seconds: str) -> None:
    await page.goto(url(server, "/solve"))
    await expect(page.locator("h1")).to_contain_text("重新排出一周课表")
    await page.locator("select[name=time_limit]").select_option(seconds)
    await page.click("text=开始排课")


async def test_the_bar_advances_without_reload_and_stop_keeps_the_best_plan(
    browser: Browser, large_server: TestServer, screenshots: Path
) -> None:
    page = await signed_in(browser, large_server, "admin")
    await start(page, large_server, "600")
    bar = page.locator("progress#bar")
    await expect(bar).to_be_visible()
    first = float(await bar.evaluate("b => b.value"))
    left = await page.locator("#left").text_content()
    await page.evaluate("window.notReloaded = true")
    await expect(page.locator("#left")).not_to_have_text(left or "")
    await expect(page.locator("#phase")).to_have_text("正在优化课表")
    await expect(page.locator("#delivered")).not_to_have_text("0")
    assert float(await bar.evaluate("b => b.value")) > first
    assert await page.evaluate("window.notReloaded === true")  # the script moved it
    await shoot(page, screenshots, "solve-progress")
    await page.click("#stop")
    await expect(page.locator("h1")).to_contain_text("方案")
    await expect(page.locator("p.change")).to_contain_text("提前停止")
    delivered = int(await page.locator("#proposal-delivered").text_content() or "0")
    assert delivered > 0


async def test_admin_solves_publishes_and_the_feed_keeps_uids(
    browser: Browser, server: TestServer, browser_store: Store, screenshots: Path
) -> None:
    before = await lessons(browser_store)
    feed_before = await fetch_feed(server, browser_store, "teacher:t-wang")
    await stamp_head(browser_store)  # saving busy blocks imports: the schema must be current
    page = await signed_in(browser, server, "admin")
    # First the teacher's own school changed her timetable: edit her busy blocks in place.
    await page.goto(url(server, "/data"))
    await page.locator("select[name=teacher]").select_option("t-wang")
    await page.click("form[action='/data/busy'] button")
    await expect(page.locator("h1")).to_contain_text("王丽")
    await page.locator("input[name=start-0]").fill("13:00")
    await page.locator("input[name=end-0]").fill("14:00")
    await page.click("text=保存（全部或都不）")
    await expect(page.locator("p.ok")).to_be_visible()
    blocks = [b for b in (await load_bundle(browser_store)).busy_blocks if b.teacher_id == "t-wang"]
    assert [(f"{b.start:%H:%M}", f"{b.end:%H:%M}") for b in blocks][:1] == [("13:00", "14:00")]
    await start(page, server, "10")
    await expect(page.locator("h1")).to_contain_text("方案")  # the page follows the job
    await expect(page.locator("table.counts").first).to_contain_text("当前课表")
    await shoot(page, screenshots, "solve-proposal")
    await page.click("button.apply")
    await expect(page.locator("p.notice")).to_contain_text("已发布为第 2 版课表")
    after = await lessons(browser_store)
    feed_after = await fetch_feed(server, browser_store, "teacher:t-wang")
    stayed = moved = 0
    for key, old in before.items():
        new = after.get(key)
        if old.teacher_id != "t-wang" or new is None or new.teacher_id != "t-wang":
            continue
        assert new.uid == old.uid
        if (new.start, new.end, new.status) == (old.start, old.end, old.status):
            stayed += 1
            assert feed_after[old.uid].sequence == feed_before[old.uid].sequence
        elif new.start != old.start and new.start > NOW + dt.timedelta(days=1):
            moved += 1
            assert feed_after[old.uid].sequence > feed_before[old.uid].sequence
    assert stayed + moved > 0


async def solve_watching_the_bar(page: Page, server: TestServer) -> None:
    """Start a long solve, see the bar advance without a reload, stop, read the proposal."""
    await start(page, server, "600")
    bar = page.locator("progress#bar")
    await expect(bar).to_be_visible()
    first = float(await bar.evaluate("b => b.value"))
    await page.evaluate("window.notReloaded = true")
    await expect(page.locator("#delivered")).not_to_have_text("0")
    await expect(page.locator("#left")).not_to_have_text("600")
    assert float(await bar.evaluate("b => b.value")) > first
    assert await page.evaluate("window.notReloaded === true")
    await page.click("#stop")
    await expect(page.locator("h1")).to_contain_text("方案")
    await expect(page.locator("table.counts").first).to_be_visible()


async def publish(page: Page, version: int) -> None:
    await page.click("button.apply")
    await expect(page.locator("p.notice")).to_contain_text(f"已发布为第 {version} 版课表")


async def block_first_lesson(page: Page, server: TestServer, store: Store, teacher: str) -> str:
    """Add a busy block over the teacher's first lesson after tomorrow; that lesson's key."""
    later = sorted(
        (row for row in (await lessons(store)).values() if row.teacher_id == teacher),
        key=lambda row: row.start,
    )
    lesson = next(row for row in later if row.start > NOW + dt.timedelta(days=1))
    local = lesson.start.astimezone(ZoneInfo("Asia/Shanghai"))
    end = lesson.end.astimezone(ZoneInfo("Asia/Shanghai"))
    await page.goto(url(server, f"/data/teachers/{teacher}/busy"))
    blank = page.locator('input[name^="start-"][value=""]').first
    n = (await blank.get_attribute("name") or "").removeprefix("start-")
    await page.locator(f"select[name=weekday-{n}]").select_option(str(local.isoweekday()))
    await page.fill(f"input[name=start-{n}]", f"{local:%H:%M}")
    await page.fill(f"input[name=end-{n}]", f"{end:%H:%M}")
    await page.click("text=保存（全部或都不）")
    await expect(page.locator("p.ok")).to_be_visible()
    return lesson.key


async def test_the_admins_week_edit_solve_watch_publish_and_the_feed_follows(
    browser: Browser, large_server: TestServer, large_store: Store, screenshots: Path
) -> None:
    """The Done-when flow in one browser session on one county."""
    await stamp_head(large_store)
    page = await signed_in(browser, large_server, "admin")
    await solve_watching_the_bar(page, large_server)  # the county's first timetable
    await publish(page, 1)
    teacher = max(
        Counter(row.teacher_id for row in (await lessons(large_store)).values()).items(),
        key=lambda item: item[1],
    )[0]
    before = await lessons(large_store)
    feed_before = await fetch_feed(large_server, large_store, f"teacher:{teacher}")
    blocked = await block_first_lesson(page, large_server, large_store, teacher)
    await solve_watching_the_bar(page, large_server)
    await shoot(page, screenshots, "solve-week-proposal")
    await publish(page, 2)
    after = await lessons(large_store)
    feed_after = await fetch_feed(large_server, large_store, f"teacher:{teacher}")
    blocked_now = after.get(blocked)
    assert (
        blocked_now is None
        or blocked_now.start != before[blocked].start
        or (blocked_now.status == "cancelled")
        or blocked_now.teacher_id != teacher
    )
    unchanged = changed = 0
    for key, old in before.items():
        new = after.get(key)
        if old.teacher_id != teacher or new is None or new.teacher_id != teacher:
            continue
        assert new.uid == old.uid  # the same lesson, the same calendar entry
        if new.revision == old.revision:  # nothing about it changed (time, classrooms, status)
            unchanged += 1
            assert feed_after[old.uid].sequence == feed_before[old.uid].sequence
        else:
            assert feed_after[old.uid].sequence > feed_before[old.uid].sequence
            changed += 1  # moved, given other classrooms, or cancelled here (moved elsewhere)
    assert unchanged > 0
    assert changed > 0
