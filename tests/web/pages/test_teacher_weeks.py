"""The teacher's page and grid: any week, and each lesson in the clock it is taught in."""

from __future__ import annotations

from tests.web.pages.support import Client, sign_in


def row_of(page: str, period: str) -> str:
    return page.split(period, 1)[1].split("</tr>", 1)[0]


async def test_the_teachers_grid_rows_are_the_classrooms_periods_with_her_own_time_beside(
    client: Client,
) -> None:
    await sign_in(client, "wang")
    page = await (await client.get("/timetables/teacher/t-wang?week=2026-11-23")).text()
    second = row_of(page, "第 2 节<br><small>")
    third = row_of(page, "第 3 节<br><small>")
    assert "09:10–09:50" in second  # 东村's second period, as the lesson is taught
    assert "音乐</strong> 09:10–09:50" in second
    assert "城关一小 时间： 第 2 节 08:50–09:30" in second  # 王丽's own bell beside it
    assert "音乐</strong> 10:10–10:50" in third
    assert "按上课的节次排列，即接收课堂所在的 东村小学 的作息时间" in page
    assert "中国时间" in page
    assert "Asia/Shanghai" not in page


async def test_the_school_grid_keeps_its_own_bells_and_names_the_zone(client: Client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get("/timetables/school/r-east?week=2026-11-23")).text()
    assert "按 东村小学 的作息时间，中国时间。" in page
    assert "时间：" not in page.split("<table", 1)[1]


async def test_the_teachers_page_goes_to_any_week(client: Client) -> None:
    await sign_in(client, "wang")
    now = await (await client.get("/teachers/t-wang")).text()
    later = await (await client.get("/teachers/t-wang?week=2026-11-30")).text()
    assert 'href="?week=2026-11-16">← 上一周' in now
    assert 'href="?week=2026-11-30">下一周 →' in now
    assert "本周课程" in now
    assert "该周课程" in later
    assert 'href="?week=2026-11-23">本周' in later
    assert "11月30日 周一 10:10–10:50" in later
    assert "11月23日" not in later.split("<table", 1)[1]
