"""The rebalance preview's figures agree with its rows; the forms offer week shortcuts and
people in pinyin order."""

from __future__ import annotations

import re
from collections import Counter

from tests.web.pages.support import Client
from tests.web.pages.test_rebalance_page import SICK, WEEK, previewed, signed_in
from tests.web.pages.test_solve_page import solver_worker

KINDS = ("moved", "reassigned", "cancelled", "added")
BADGE = re.compile(r'<span class="badge (\w+)">')
solver_worker = solver_worker  # PostgreSQL: a queue worker runs the preview jobs


def table(page: str, css: str) -> str:
    return page.split(f'<table class="{css}', 1)[1].split("</table>", 1)[0]


def figures(page: str) -> dict[str, int]:
    """The counts table: kept, moved, re-assigned, cancelled, newly delivered, unaffected."""
    cells = re.findall(r"<td>(\d+)</td>", table(page, "counts"))
    return dict(zip(("kept", *KINDS), map(int, cells), strict=False))


async def test_preview_figures_count_each_way_a_row_changes(client: Client) -> None:
    token = await signed_in(client)
    answer = await previewed(client, token, SICK | WEEK)
    weekly = Counter(BADGE.findall(table(answer.page, "list weekly")))
    dated = Counter(BADGE.findall(table(answer.page, "list dated")))
    said = re.search(
        r"(\d+) 节课有变动：(\d+) 节换老师或教室，(\d+) 节改时间，(\d+) 节取消，(\d+) 节新增",
        answer.text,
    )
    assert said is not None
    total, reassigned, moved, cancelled, added = map(int, said.groups())
    assert {kind: figures(answer.page)[kind] for kind in KINDS} == {
        kind: weekly[kind] for kind in KINDS
    }
    # 王丽's 11:00 lesson of 西村 goes to 陈明's 10:10 broadcast: a new teacher and a new time
    assert weekly["moved"] >= 1
    assert figures(answer.page)["reassigned"] >= 1
    assert "在上面的数字和它那一行里都按两类计入" in answer.text
    assert (reassigned, moved, cancelled, added) == (
        dated["reassigned"] + dated["classrooms"],
        dated["moved"],
        dated["cancelled"],
        dated["added"] + dated["restored"],
    )
    assert total == len(re.findall(r"<tr class=", table(answer.page, "list dated")))


async def test_the_forms_offer_this_and_next_week_and_teachers_in_pinyin_order(
    client: Client,
) -> None:
    await signed_in(client)
    page = await (await client.get("/rebalance")).text()  # Monday 23 November 2026
    assert 'data-first="2026-11-23" data-last="2026-11-29" value="本周">' in page
    assert 'data-first="2026-11-30" data-last="2026-12-06" value="下周">' in page
    teachers = page.split('<select name="teacher"', 1)[1].split("</select>", 1)[0]
    assert teachers.index("陈明") < teachers.index("王丽")  # chen before wang
