"""`coordinator report`: the crafted county on a SQLite file (and PostgreSQL), every format."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from coordinator import models
from coordinator.cli import main
from coordinator.store import Store
from coordinator.store.schema import upgrade
from tests.conftest import fresh_postgres_database
from tests.reporting.seed import seed

PERIOD = ("--from", "2026-11-16", "--to", "2026-11-29", "--as-of", "2026-11-27T12:00+08:00")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


async def seeded(url: str) -> None:
    store = Store(url)
    try:
        await upgrade(store)
        await seed(store)
    finally:
        await store.close()


@pytest.fixture
def county(tmp_path: Path) -> str:
    database = str(tmp_path / "county.db")
    asyncio.run(seeded(database))
    return database


def test_report_attendance_by_school_as_csv(county: str, tmp_path: Path) -> None:
    out = tmp_path / "by-school.csv"
    result = invoke(
        "--db", county, "report", "attendance", "--by", "school", *PERIOD, "--format", "csv",
        "--output", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "编号,学校,课次,计划,取消,应开,签到,实开,失败,开课率,迟报,平均到课人数,主讲上线",
        "r-east,东村小学,7,6,1,5,4,4,0,0.8000,1,25.8,2",
        "r-west,西村教学点,2,2,0,2,2,0,2,0.0000,1,,2",
        ",合计,7,8,1,7,6,4,2,0.5714,2,25.8,4",
    ]
    assert result.stderr == f"wrote {out} (2 rows)\n"


def test_report_attendance_by_week_as_an_english_text_table(county: str) -> None:
    result = invoke(
        "--db", county, "report", "attendance", "--by", "week", *PERIOD, "--language", "en"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Attendance by week 2026-11-16 – 2026-11-29"
    assert lines[2].startswith("2026-W47  2026-W47 (from 2026-11-16)")
    assert lines[-1].split() == [
        "Total",
        "7",
        "8",
        "1",
        "7",
        "6",
        "4",
        "2",
        "57.1%",
        "2",
        "25.8",
        "4",
    ]


def test_report_kaiqi_as_xlsx(county: str, tmp_path: Path) -> None:
    out = tmp_path / "kaiqi.xlsx"
    result = invoke(
        "--db", county, "report", "kaiqi", *PERIOD, "--format", "xlsx", "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["学校", "班级", "学科"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["东村小学", "东村小学 三年级（1）班", "音乐", 2, 2, 4, 3, 2, 0.5, "是"],
        ["东村小学", "东村小学 四年级（1）班", "美术", 1, 2, 2, 3, 2, 1, None],
        ["西村教学点", "西村教学点 三年级（已停用）", "音乐", 1, 2, 2, 2, 0, 0, "是"],
        ["合计", None, None, None, None, 8, None, 4, 0.5, 2],
    ]
    assert sheet.freeze_panes == "A2"


def test_report_kaiqi_json_with_a_scope_and_threshold(county: str) -> None:
    result = invoke(
        "--db", county, "report", "kaiqi", *PERIOD, "--scope", "school:r-east", "--threshold",
        "0.4", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["subject"], r["delivered"], r["rate"], r["below"]) for r in rows] == [
        ({"zh": "音乐", "en": "Music"}, 2, 0.5, ""),
        ({"zh": "美术", "en": "Art"}, 2, 1.0, ""),
        ("", 4, 4 / 6, 0),
    ]


def test_report_failures_csv_to_stdout(county: str) -> None:
    result = invoke("--db", county, "report", "failures", *PERIOD, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8-sig").splitlines() == [
        "原因,失败课次",
        "直播中断,1",
        "无信号,0",
        "主讲未到,0",
        "停电,1",
    ]


@pytest.mark.parametrize("kind", ["weekly", "failures"])
def test_report_chart_writes_an_svg(county: str, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.svg"
    result = invoke("--db", county, "report", "chart", kind, *PERIOD, "--output", str(out))
    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == {"weekly": "每周开课率", "failures": "失败原因"}[kind]


def test_report_refuses_a_bad_scope_an_unknown_one_and_xlsx_to_stdout(county: str) -> None:
    bad = invoke("--db", county, "report", "attendance", *PERIOD, "--scope", "county:x")
    unknown = invoke("--db", county, "report", "attendance", *PERIOD, "--scope", "school:nope")
    xlsx = invoke("--db", county, "report", "kaiqi", *PERIOD, "--format", "xlsx")
    backwards = invoke(
        "--db", county, "report", "kaiqi", "--from", "2026-11-29", "--to", "2026-11-16"
    )
    assert (bad.exit_code, unknown.exit_code, xlsx.exit_code, backwards.exit_code) == (2, 1, 2, 1)
    assert "expected one of region:ID" in bad.stderr
    assert "scope school:nope: no such school" in unknown.stderr
    assert "--format xlsx needs --output" in xlsx.stderr
    assert "--to 2026-11-16 is before --from 2026-11-29" in backwards.stderr


@pytest.mark.postgres
def test_report_attendance_on_postgresql() -> None:
    with fresh_postgres_database() as url:
        asyncio.run(seeded(url))
        result = invoke(
            "--db", url, "report", "attendance", "--by", "region", *PERIOD, "--format", "json"
        )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["key"], r["planned"], r["delivered"], r["failed"]) for r in rows] == [
        ("xiao", 8, 4, 2),
        ("", 8, 4, 2),
    ]


async def renamed(url: str, school_id: str, name: str) -> None:
    store = Store(url)
    try:
        async with store.write() as session:
            school = await session.get(models.SchoolRow, school_id)
            assert school is not None
            school.name = name
            session.add(school)
    finally:
        await store.close()


def test_report_exports_keep_a_formula_like_name_inert(county: str, tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example","点我")'
    asyncio.run(renamed(county, "r-east", hostile))
    by_school = ("--db", county, "report", "attendance", "--by", "school", *PERIOD)

    as_csv = invoke(*by_school, "--format", "csv", "--output", str(tmp_path / "r.csv"))
    as_xlsx = invoke(*by_school, "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"))

    assert (as_csv.exit_code, as_xlsx.exit_code) == (0, 0)
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("""r-east,"'=HYPERLINK(""http://evil.example"",""点我"")",7,""")
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    assert [cell.value for cell in cells if cell.value == hostile] == [hostile]


def test_report_lessons_has_the_stable_columns_in_every_format(county: str, tmp_path: Path) -> None:
    csv_out, xlsx_out = tmp_path / "lessons.csv", tmp_path / "lessons.xlsx"
    lessons = ("--db", county, "report", "lessons", *PERIOD, "--format")
    as_csv = invoke(*lessons, "csv", "--output", str(csv_out))
    as_xlsx = invoke(*lessons, "xlsx", "--output", str(xlsx_out))
    as_jsonl = invoke(*lessons, "jsonl")

    assert as_csv.exit_code == as_xlsx.exit_code == as_jsonl.exit_code == 0
    records = [json.loads(line) for line in as_jsonl.stdout.splitlines()]
    assert list(records[0]) == [
        "date", "start", "region_id", "school_id", "school", "classroom_id", "classroom",
        "subject_id", "subject", "teacher_id", "teacher", "status", "planned", "delivered",
        "cancelled", "pupils_present", "stream_quality", "lesson_key",
    ]  # fmt: skip
    # the same classroom lessons the attendance report counts (by school: 7 + 2)
    assert len(records) == 9
    assert sum(r["planned"] for r in records) == 8
    assert sum(r["delivered"] for r in records) == 4
    assert sum(r["cancelled"] for r in records) == 1
    assert {r["status"]["en"] for r in records if r["delivered"]} == {"delivered"}
    assert {r["stream_quality"] for r in records} >= {"good"}
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[:5] == ["日期", "开始时间", "区县代码", "学校代码", "学校"]
    assert len(lines) == 10
    sheet = load_workbook(xlsx_out).active
    assert sheet is not None
    assert sheet.max_row == 10
    assert [c.value for c in sheet[1]][-1] == "课次标识"


def test_report_monthly_is_one_workbook_of_the_three_tables(county: str, tmp_path: Path) -> None:
    out = tmp_path / "2026-11.xlsx"
    as_of = ("--as-of", "2026-11-27T12:00+08:00")

    monthly = ("--db", county, "report", "monthly", "--month")
    result = invoke(*monthly, "2026-11", *as_of, "--output", str(out))
    bad = invoke(*monthly, "2026-13", "--output", str(out))

    assert result.exit_code == 0, result.output
    assert bad.exit_code == 2
    assert "'2026-13' is not a month (YYYY-MM)" in bad.output
    workbook = load_workbook(out)
    # the month holds one classroom lesson more than the two weeks of the other tests
    assert [sheet.max_row for sheet in workbook.worksheets] == [4, 5, 11]
    by_school, kaiqi, lessons = workbook.worksheets
    assert [c.value for c in by_school[1]][:3] == ["编号", "学校", "课次"]
    assert [c.value for c in kaiqi[1]][:3] == ["学校", "班级", "学科"]
    assert lessons.title == "lessons"
