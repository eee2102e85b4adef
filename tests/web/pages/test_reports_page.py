"""The Reports page over real HTTP on SQLite and PostgreSQL, from check-ins sent to the real API.

The world: the pages' county (lessons from Monday 2026-11-23 on), plus a pairing alliance
`pair-far` of 城关一小 and 远山小学 in another county, whose admin sees only those two schools.
The page's clock is Wednesday 2026-11-25 12:00 in Shanghai; by then:

    Mon 09:10  art    c-east-4   checked in 25, end report 24 good              -> delivered
    Mon 10:10  music  c-east-3   checked in 30, sent a day late                  -> delivered, late
    Mon 11:00  music  c-west-3   problem: no signal                              -> failed
    Tue 09:10  music  c-east-3   checked in 31, end report: stream failed        -> failed
               (open) c-west-3   nothing                                         -> not reported
    Mon 09:10  music  c-far      checked in 18 (only pair-far's admin sees it)   -> delivered
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook
from pytest_aiohttp import AiohttpClient
from sqlmodel import col

from coordinator import domain, models
from coordinator.enums import AllianceKind
from coordinator.reporting import Dimension, ScopeFilter, attendance_report, kaiqi_report
from coordinator.reporting.attendance import AttendanceLine
from coordinator.reporting.export import text_of
from coordinator.reporting.tables import ATTENDANCE_COLUMNS
from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.checkins import CheckinConfig
from coordinator.services.data.imports import import_bundle
from coordinator.services.reporting.facts import load_facts
from coordinator.store import Store
from coordinator.web.api import CHECKIN_CONFIG
from coordinator.web.pages.config import PagesConfig
from tests.attendance.seed import Clock
from tests.web.pages.support import (
    NOW,
    TEST_HASHER,
    Client,
    app_for,
    county,
    lessons_received,
    sign_in,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))
PAGE_NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=BEIJING).astimezone(dt.UTC)
MONDAY, TUESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
FIRST = dt.date(2026, 11, 1)
FAR_LESSON = "far-music@2026-11-23"
AnyClient = TestClient[Any, Any]  # the pages' client, or one of a bare TestServer
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def far_county() -> domain.Bundle:
    """The pages' county plus a cross-county pairing: 城关一小 with 远山小学 (another region)."""
    bundle = county()
    return dataclasses.replace(
        bundle,
        alliances=(
            *bundle.alliances,
            domain.Alliance("pair-far", "城关一小远山结对", AllianceKind.PAIRING, "u-one"),
        ),
        alliance_members=(*bundle.alliance_members, domain.AllianceMember("pair-far", "r-far", 1)),
        needs=(*bundle.needs, domain.Need("c-far", "music", 1)),
    )


async def arrange_far(store: Store) -> None:
    """The pairing imported, its admin made, and one lesson for 远山小学 五年级 on Monday."""
    await import_bundle(store, far_county(), source="test", now=NOW)
    start = dt.datetime(2026, 11, 23, 9, 10, tzinfo=BEIJING)
    async with store.write() as session:
        session.add(
            models.UserRow(
                username="far-admin",
                role="admin",
                scope_kind="alliance",
                scope_id="pair-far",
                password_hash=TEST_HASHER.hash("correct horse battery"),
                created_at=NOW,
            )
        )
        session.add(
            models.LessonRow(
                key=FAR_LESSON,
                uid=f"{FAR_LESSON}@test",
                session_key="far-music",
                date=MONDAY,
                teacher_id="t-wang",
                subject_id="music",
                start=start.astimezone(dt.UTC),
                end=(start + dt.timedelta(minutes=40)).astimezone(dt.UTC),
                time_zone="Asia/Shanghai",
                status="scheduled",
                fingerprint="0" * 32,
                changed_at=NOW,
            )
        )
        await session.flush()
        session.add(models.LessonClassroomRow(lesson_key=FAR_LESSON, classroom_id="c-far"))


def at(day: dt.date, clock: str) -> dt.datetime:
    """A moment of a day in Beijing time."""
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), BEIJING)


def report(
    lesson: str, room: str, kind: str, moment: dt.datetime, fields: dict[str, Any]
) -> dict[str, Any]:
    return {
        "lesson_key": lesson,
        "classroom_id": room,
        "kind": kind,
        "device_time": moment.isoformat(),
        "fields": fields,
    }


def checked_in(students: int) -> dict[str, Any]:
    return {"stream_up": True, "students_present": students}


def ended(students: int, quality: str) -> dict[str, Any]:
    return {"students_present": students, "stream_quality": quality, "teacher_showed": True}


async def record_check_ins(client: AnyClient, store: Store, clock: Clock) -> None:
    """The reports of the module docstring, each through POST /api/v1/check-ins."""
    tokens = {
        who: (await issue_token(store, assistant_id=who, now=NOW)).token
        for who in ("a-li", "a-zhao", "a-far")
    }
    art = (await lesson_at(store, "c-east-4", MONDAY, "09:10")).key
    music_mon = (await lesson_at(store, "c-east-3", MONDAY, "10:10")).key
    west_mon = (await lesson_at(store, "c-west-3", MONDAY, "11:00")).key
    open_tue = (await lesson_at(store, "c-east-3", TUESDAY, "09:10")).key
    no_signal = {"problem": "no_signal"}
    sends = [
        ("a-li", at(MONDAY, "09:12"), art, "c-east-4", "check_in", checked_in(25)),
        ("a-li", at(MONDAY, "09:52"), art, "c-east-4", "end_report", ended(24, "good")),
        ("a-far", at(MONDAY, "09:12"), FAR_LESSON, "c-far", "check_in", checked_in(18)),
        ("a-zhao", at(MONDAY, "11:05"), west_mon, "c-west-3", "problem", no_signal),
        ("a-li", at(TUESDAY, "09:12"), open_tue, "c-east-3", "check_in", checked_in(31)),
        ("a-li", at(TUESDAY, "09:51"), open_tue, "c-east-3", "end_report", ended(31, "failed")),
    ]
    for who, moment, lesson, room, kind, fields in sends:
        clock.now = moment.astimezone(dt.UTC)
        await post(client, tokens[who], report(lesson, room, kind, moment, fields))
    # Monday's 10:10 music check-in waited in the phone's outbox until Tuesday noon: late.
    clock.now = at(TUESDAY, "12:00").astimezone(dt.UTC)
    body = report(music_mon, "c-east-3", "check_in", at(MONDAY, "10:12"), checked_in(30))
    assert (await post(client, tokens["a-li"], body))["late"] is True


async def post(client: AnyClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
    response = await client.post("/api/v1/check-ins", json=body, headers=headers)
    answer = await response.json()
    assert response.status == 201, answer
    return dict(answer["report"])


async def lesson_at(store: Store, room: str, day: dt.date, clock: str) -> models.LessonRow:
    start = dt.datetime.combine(day, dt.time.fromisoformat(clock), BEIJING).astimezone(dt.UTC)
    (lesson,) = await lessons_received(store, room, col(models.LessonRow.start) == start)
    return lesson


@pytest.fixture
async def reports(aiohttp_client: AiohttpClient, arranged: Store) -> Client:
    """A client of the real app at PAGE_NOW, after the check-ins of the module docstring."""
    await arrange_far(arranged)
    clock = Clock(NOW)
    app = app_for(arranged, PagesConfig(clock=lambda: PAGE_NOW))
    app[CHECKIN_CONFIG] = CheckinConfig(clock=clock)
    client = await aiohttp_client(app)
    await record_check_ins(client, arranged, clock)
    return client


class Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts; rows' classes kept aside."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.classes: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("id"):
            self._table = str(found["id"])
            self.tables[self._table], self.classes[self._table] = [], []
        elif self._table and tag == "tr":
            self.tables[self._table].append([])
            self.classes[self._table].append(found.get("class") or "")
        elif self._table and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif self._table and tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


async def page_tables(client: Client, path: str, **headers: str) -> Tables:
    response = await client.get(path, headers=headers)
    assert response.status == 200, await response.text()
    return Tables(await response.text())


FIELDS = {column.label.zh: column for column in ATTENDANCE_COLUMNS}


def expected_row(line: AttendanceLine) -> dict[str, str]:
    """The pure line's numbers as the page writes them, keyed by the Chinese headings."""
    values = {
        "计划": line.planned,
        "应开": line.due,
        "实开": line.delivered,
        "失败": line.failed,
        "取消": line.cancelled,
        "签到": line.checked_in,
        "开课率": line.delivery_rate,
        "平均到课人数": line.students_average,
        "迟报": line.late_reports,
    }
    return {name: text_of(value, FIELDS[name], "zh") for name, value in values.items()}


def as_dicts(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {row[0]: dict(zip(header, row, strict=True)) for row in body}


async def test_attendance_on_the_page_equals_the_pure_report(
    reports: Client, arranged: Store
) -> None:
    await sign_in(reports, "admin")
    page = await page_tables(reports, "/reports")
    facts = await load_facts(arranged, first=FIRST, last=dt.date(2026, 11, 25), as_of=PAGE_NOW)
    pure = attendance_report(facts, Dimension.SCHOOL, ScopeFilter.parse("region:xiao"))
    shown = as_dicts(page.tables["attendance-table"])
    expected = {line.label.zh: expected_row(line) for line in [*pure.lines, pure.total]}
    # No streaming callbacks in the period: "teacher live" is unknown, so not shown at all.
    assert (pure.total.teacher_live, "主讲上线" in page.tables["attendance-table"][0]) == (
        None,
        False,
    )
    assert {name: {k: row[k] for k in expected[name]} for name, row in shown.items()} == expected
    # Worked by hand (module docstring): the pure report and the page agree with this too.
    east, west, total = shown["东村小学"], shown["西村教学点"], shown["合计"]
    columns = ("计划", "实开", "失败", "未报告", "签到率", "平均到课人数", "迟报")
    assert [east[k] for k in columns] == ["3", "2", "1", "0", "100.0%", "27.0", "1"]
    assert [west[k] for k in ("计划", "实开", "失败", "未报告", "签到率")] == [
        "2", "0", "1", "1", "0.0%",
    ]  # fmt: skip
    assert (total["计划"], total["未报告"], total["开课率"]) == ("5", "1", "40.0%")
    assert "远山小学" not in str(page.tables)


async def test_failures_weekly_and_kaiqi_with_reasons(reports: Client, arranged: Store) -> None:
    await sign_in(reports, "admin")
    path = "/reports?by=classroom&period=this-week"
    page = await page_tables(reports, path)
    text = await (await reports.get(path)).text()
    failures = as_dicts(page.tables["failures-table"])
    counts = [failures[cause]["失败课次"] for cause in ("直播中断", "无信号", "主讲未到", "停电")]
    assert counts == ["1", "1", "0", "0"]
    weekly = as_dicts(page.tables["weekly-table"])
    assert list(weekly) == ["2026年第48周（11月23日起）", "合计"]
    assert weekly["合计"]["开课率"] == "40.0%"
    facts = await load_facts(arranged, first=MONDAY, last=dt.date(2026, 11, 25), as_of=PAGE_NOW)
    pure = kaiqi_report(facts, ScopeFilter.parse("region:xiao"))
    header, *rows = page.tables["kaiqi-table"]
    kaiqi = [dict(zip(header, row, strict=True)) for row in rows[:-1]]
    assert [(r["班级"], r["学科"], r["应开课时"], r["实开课时"]) for r in kaiqi] == [
        (line.classroom.zh, line.subject.zh, str(line.required), str(line.delivered))
        for line in pure.lines
    ]
    music = next(r for r in kaiqi if r["班级"] == "东村小学 三年级（1）班")
    assert music["原因"].split("；") == ["课表每周缺1节：没有音乐老师有空。", "1节失败（直播中断）"]
    marked = page.classes["kaiqi-table"][1 : len(pure.lines) + 1]
    assert marked == ["below" if line.below else "" for line in pure.lines]
    assert [line.below for line in pure.lines] == [True, False, True]  # the art need is met
    assert (text.count("<svg"), "style=" in text.split("<main>")[1]) == (2, False)


async def test_region_and_alliance_admins_see_their_own_scopes(reports: Client) -> None:
    await sign_in(reports, "admin")
    county_page = await page_tables(reports, "/reports")
    county_scopes = await (await reports.get("/reports")).text()
    reports.session.cookie_jar.clear()
    await sign_in(reports, "far-admin")
    pair_page = await page_tables(reports, "/reports")
    pair_scopes = await (await reports.get("/reports")).text()
    assert [row[0] for row in county_page.tables["attendance-table"][1:]] == [
        "东村小学", "西村教学点", "合计",
    ]  # fmt: skip
    pair = as_dicts(pair_page.tables["attendance-table"])
    assert list(pair) == ["远山小学", "合计"]
    assert (pair["远山小学"]["实开"], pair["远山小学"]["平均到课人数"]) == ("1", "18.0")
    kaiqi = pair_page.tables["kaiqi-table"]
    assert [row[1] for row in kaiqi[1:-1]] == ["远山小学 五年级"]
    assert kaiqi[1][-1] == "只排了1节"
    assert ('value="school:r-far"' in pair_scopes, 'value="school:r-far"' in county_scopes) == (
        True,
        False,
    )
    assert 'value="alliance:pair-1"' in county_scopes
    assert 'value="alliance:pair-far"' not in county_scopes


@pytest.mark.parametrize(
    ("user", "scope", "status"),
    [
        ("admin", "school:r-east", 200),
        ("admin", "alliance:pair-1", 200),
        ("admin", "school:r-far", 403),
        ("admin", "alliance:pair-far", 403),
        ("admin", "region:da", 403),
        ("admin", "school:no-such", 403),
        ("far-admin", "school:r-far", 200),
        ("far-admin", "region:xiao", 403),
        ("far-admin", "school:r-east", 403),
        ("far-admin", "alliance:pair-1", 403),
        ("pair-admin", "school:r-far", 403),
    ],
)
async def test_a_scope_outside_the_admins_is_refused(
    reports: Client, user: str, scope: str, status: int
) -> None:
    await sign_in(reports, user)
    for path in ("/reports", "/reports/export.csv", "/reports/export.xlsx"):
        response = await reports.get(path, params={"scope": scope})
        assert (path, response.status) == (path, status)


async def test_a_narrower_scope_counts_only_its_classrooms(reports: Client) -> None:
    await sign_in(reports, "admin")
    page = await page_tables(reports, "/reports?scope=school:r-west&by=classroom")
    shown = as_dicts(page.tables["attendance-table"])
    assert list(shown) == ["西村教学点 三年级", "合计"]
    assert shown["合计"]["计划"] == "2"
    room = await (await reports.get("/reports?scope=classroom:c-east-4")).text()
    assert '<option value="classroom:c-east-4" selected>东村小学 四年级（1）班</option>' in room
    assert as_dicts(Tables(room).tables["attendance-table"])["合计"]["实开"] == "1"


async def test_csv_export_is_what_the_page_shows(reports: Client) -> None:
    await sign_in(reports, "admin")
    page = await page_tables(reports, "/reports?by=classroom")
    response = await reports.get("/reports/export.csv?by=classroom")
    body = await response.read()
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="attendance-2026-11.csv"'
    )
    assert (body.startswith(b"\xef\xbb\xbf"), response.headers["Cache-Control"]) == (
        True,
        "private, no-store",
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == page.tables["attendance-table"][0]
    assert [shown_like_page(rows[0], row) for row in rows[1:]] == page.tables["attendance-table"][
        1:
    ]


async def test_xlsx_export_of_kaiqi_is_what_the_page_shows(reports: Client) -> None:
    await sign_in(reports, "admin")
    english = {"Accept-Language": "en"}
    page = await page_tables(reports, "/reports?period=this-week", **english)
    link = "/reports/export.xlsx?period=this-week&table=kaiqi"
    response = await reports.get(link, headers=english)
    assert response.headers["Content-Type"] == XLSX
    name = response.headers["Content-Disposition"]
    assert name == 'attachment; filename="kaiqi-2026-11-23_2026-11-25.xlsx"'
    sheet = load_workbook(io.BytesIO(await response.read())).active
    assert sheet is not None
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    header = [str(v) for v in rows[0]]
    assert header == page.tables["kaiqi-table"][0]
    assert header[-1] == "Reason"
    assert [shown_like_page(header, row) for row in rows[1:]] == page.tables["kaiqi-table"][1:]


def shown_like_page(header: list[str], row: list[Any]) -> list[str]:
    """Export cells as the page writes them: rates as percentages, averages to one place."""
    rates = {"开课率", "签到率", "完成率", "Completion", "Delivery rate", "Check-in rate"}
    decimals = {"平均到课人数", "Students (avg)"}
    cells = []
    for name, value in zip(header, row, strict=True):
        if value in ("", None):
            cells.append("")
        elif name in rates:
            cells.append(f"{float(value):.1%}")
        elif name in decimals:
            cells.append(f"{float(value):.1f}")
        else:
            cells.append(str(value))
    return cells


@pytest.mark.parametrize(
    ("query", "language", "message"),
    [
        ("from=2026-13-01&to=2026-11-25", "zh", "开始日期：“2026-13-01”不是有效日期"),
        ("from=2026-13-01&to=2026-11-25", "en", "Start date: “2026-13-01” is not a date"),
        ("from=2026-11-01&to=", "en", "End date: give a date, like 2026-11-23."),
        ("from=2026-11-25&to=2026-11-01", "en", "End date: 2026-11-01 is before the start"),
        ("from=2025-01-01&to=2026-11-25", "en", "at most 366 days (one school year)"),
        ("from=1999-12-31&to=2000-01-05", "en", "Start date: 1999-12-31 is out of range"),
        ("period=next-year", "en", "Report period: “next-year” is not a period this page"),
        ("by=planet", "en", "Group by: “planet” is not one of the choices offered."),
        ("scope=everything", "en", "Scope: “everything” is not one of the choices offered."),
    ],
)
async def test_bad_input_is_a_400_page_naming_the_field(
    reports: Client, query: str, language: str, message: str
) -> None:
    await sign_in(reports, "admin")
    headers = {"Accept-Language": language}
    for path in ("/reports", "/reports/export.csv"):
        response = await reports.get(f"{path}?{query}", headers=headers)
        page = await response.text()
        assert (response.status, message in page) == (400, True), page
        assert ('role="alert"' in page, "<svg" in page) == (True, False)


async def test_unknown_export_table_is_a_400(reports: Client) -> None:
    await sign_in(reports, "admin")
    response = await reports.get("/reports/export.csv?table=salaries")
    assert response.status == 400
    assert "表格：“salaries”不在可选范围内。" in await response.text()


@pytest.mark.parametrize("user", ["wang", "li", "zhao"])
async def test_teachers_and_assistants_may_not_open_reports(reports: Client, user: str) -> None:
    await sign_in(reports, user)
    for path in ("/reports", "/reports/export.csv", "/reports/export.xlsx?table=kaiqi"):
        assert (await reports.get(path, allow_redirects=False)).status == 403


async def test_signed_out_goes_to_sign_in(reports: Client) -> None:
    response = await reports.get("/reports/export.csv", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (
        303,
        "/signin?next=/reports/export.csv",
    )


async def test_named_periods_link_from_the_page(reports: Client) -> None:
    await sign_in(reports, "admin")
    page = await (await reports.get("/reports?period=this-term&by=week")).text()
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "2026年9月1日星期二 – 2026年11月25日星期三" in heading
    link = '<a href="/reports?period=this-term&amp;by=week&amp;scope=region%3Axiao"'
    assert f"{link} aria-current" in page
    weeks = [row[0] for row in Tables(page).tables["attendance-table"][1:]]
    assert weeks == ["2026年第48周（11月23日起）", "合计"]  # lessons were published from 11-22 on


async def test_exports_of_a_formula_like_name_are_inert(reports: Client, arranged: Store) -> None:
    hostile = '=HYPERLINK("http://evil.example","点我")'
    async with arranged.write() as session:
        school = await session.get(models.SchoolRow, "r-east")
        assert school is not None
        school.name = hostile
        session.add(school)
    await sign_in(reports, "admin")

    body = await (await reports.get("/reports/export.csv?by=school")).read()
    workbook = await (await reports.get("/reports/export.xlsx?by=school")).read()

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == [f"'{hostile}"]
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    assert hostile in [cell.value for cell in cells]
