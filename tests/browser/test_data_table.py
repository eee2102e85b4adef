"""One corrected bell-schedule CSV uploaded alone in a real browser: previewed, then only that
table changes; and an in-place edit refused in Chinese beside its field, then saved."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from coordinator.bundle.schema import FILES
from coordinator.services.data.imports import load_bundle
from coordinator.store import Store
from tests.browser.test_console import shoot, signed_in, url
from tests.browser.test_rebalance import screenshots
from tests.web.pages.support import stamp_head
from tests.web.pages.test_data_one_table import exported_table

__all__ = ["screenshots"]


async def test_a_corrected_bell_schedule_csv_changes_only_that_table(
    browser: Browser, server: TestServer, browser_store: Store, screenshots: Path, tmp_path: Path
) -> None:
    await stamp_head(browser_store)
    lines = await exported_table(browser_store, tmp_path / "export", "bell_periods")
    first = next(n for n, line in enumerate(lines) if line.startswith("urban,"))  # the region's own
    cells = lines[first].split(",")
    assert cells[4] == "08:40"
    cells[4] = "08:35"  # the first period ends five minutes earlier
    lines[first] = ",".join(cells)
    corrected = tmp_path / "bell_periods.csv"
    corrected.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    before = await load_bundle(browser_store)
    page = await signed_in(browser, server, "admin")
    await page.goto(url(server, "/data"))
    await page.set_input_files("input[name=bundle]", str(corrected))
    await page.click("text=检查文件")
    await expect(page.locator("h3")).to_contain_text("表 bell_periods：新增 0 行，修改 1 行")
    await shoot(page, screenshots, "data-one-table")
    await page.click("text=导入（全部成功或全部不导入）")
    await expect(page.locator("p.ok")).to_be_visible()
    after = await load_bundle(browser_store)
    changed = [p for p in after.bell_periods if p not in before.bell_periods]
    assert [f"{p.end:%H:%M}" for p in changed] == ["08:35"] * len(changed)
    assert changed  # one line of the file may stand for several weekdays
    for spec in FILES:
        if spec.name != "bell_periods":
            assert sorted(map(repr, getattr(after, spec.name))) == sorted(
                map(repr, getattr(before, spec.name))
            ), spec.name


async def test_a_teachers_limits_are_refused_in_chinese_then_saved(
    browser: Browser, server: TestServer, browser_store: Store
) -> None:
    await stamp_head(browser_store)
    page = await signed_in(browser, server, "admin")
    await page.goto(url(server, "/data"))
    teachers = page.locator("form[action='/data/edit']", has_text="主讲教师")
    await teachers.locator("select[name=owner]").select_option("t-wang")
    await teachers.locator("button[value=limits]").click()
    await expect(page.locator("h1")).to_contain_text("王丽 的课时上限")
    await page.fill("input[name=max_per_day-0]", "零")
    await page.click("text=保存（全部或都不）")
    await expect(page.locator("tr.error")).to_contain_text("每天最多节数：“零”不符合要求")
    await page.fill("input[name=max_per_day-0]", "2")
    await page.click("text=保存（全部或都不）")
    await expect(page.locator("p.replan")).to_contain_text("预览调课")
    wang = next(t for t in (await load_bundle(browser_store)).network_teachers if t.id == "t-wang")
    assert wang.max_per_day == 2
