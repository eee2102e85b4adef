"""Exports: CSV with a BOM for Excel, XLSX with a frozen header and formats, JSON, text."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from coordinator.reporting import (
    Dimension,
    Label,
    attendance_report,
    attendance_table,
    kaiqi_report,
    kaiqi_table,
    to_csv,
    to_json,
    to_text,
    to_xlsx,
)
from coordinator.reporting.tables import Column, Kind, Table
from tests.reporting.world import facts

SMALL = Table(
    name="small",
    title=Label("小表", "Small"),
    columns=(
        Column("name", Label("名称", "Name"), Kind.TEXT),
        Column("count", Label("数量", "Count")),
        Column("rate", Label("比率", "Rate"), Kind.RATE),
        Column("average", Label("平均", "Average"), Kind.DECIMAL),
    ),
    rows=((Label("东村小学", "East"), 3, 0.875, 12.25), ("a,b", 0, None, None)),
    footer=(Label("合计", "Total"), 3, 0.5, 12.25),
)


def test_csv_starts_with_a_bom_and_keeps_numbers_plain() -> None:
    data = to_csv(SMALL)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        '名称,数量,比率,平均\r\n东村小学,3,0.8750,12.2\r\n"a,b",0,,\r\n合计,3,0.5000,12.2\r\n'
    )
    assert data.decode("utf-8-sig").splitlines()[0] == "名称,数量,比率,平均"
    assert to_csv(SMALL, "en").decode("utf-8-sig").splitlines()[:2] == [
        "Name,Count,Rate,Average",
        "East,3,0.8750,12.2",
    ]


def test_xlsx_has_bold_frozen_header_number_formats_and_widths() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(SMALL))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["名称", "数量", "比率", "平均"]
    assert [c.value for c in sheet[2]] == ["东村小学", 3, 0.875, 12.25]
    assert [c.value for c in sheet[4]] == ["合计", 3, 0.5, 12.25]
    assert sheet.freeze_panes == "A2"
    assert (sheet["A1"].font.bold, sheet["A4"].font.bold, sheet["A2"].font.bold) == (
        True,
        True,
        False,
    )
    assert [sheet.cell(2, n).number_format for n in (2, 3, 4)] == ["0", "0.0%", "0.0"]
    assert sheet.column_dimensions["A"].width == 10  # 东村小学 is 8 columns wide, plus 2


def test_xlsx_bytes_are_the_same_every_time() -> None:
    assert to_xlsx(SMALL) == to_xlsx(SMALL)


def test_attendance_table_has_a_row_per_group_and_the_total_last() -> None:
    table = attendance_table(attendance_report(facts(), Dimension.CLASSROOM))
    lines = to_csv(table).decode("utf-8-sig").splitlines()
    assert lines == [
        "编号,班级,课次,计划,取消,应开,签到,实开,失败,开课率,迟报,平均到课人数,主讲上线",
        "c-e3,东村小学 三年级（1）班,4,3,1,3,2,2,0,0.6667,0,29.0,2",
        "c-e4,东村小学 四年级（1）班,3,3,0,2,2,2,0,1.0000,1,22.5,0",
        "c-w3,西村教学点 三年级（已停用）,2,2,0,2,2,0,2,0.0000,1,,2",
        ",合计,7,8,1,7,6,4,2,0.5714,2,25.8,4",
    ]
    assert table.title.en == "Attendance by classroom 2026-11-16 – 2026-11-29"


def test_kaiqi_table_flags_rows_below_the_threshold() -> None:
    table = kaiqi_table(kaiqi_report(facts()))
    lines = to_csv(table, "en").decode("utf-8-sig").splitlines()
    assert lines == [
        "School,Classroom,Subject,Periods/week,School weeks,Required,Planned,Delivered,"
        "Completion,Below target",
        "东村小学,东村小学 三年级（1）班,Music,2,2,4,3,2,0.5000,yes",
        "东村小学,东村小学 四年级（1）班,Art,1,2,2,3,2,1.0000,",
        "西村教学点,西村教学点 三年级 (retired),Music,1,1,1,2,0,0.0000,yes",
        "Total,,,,,7,,4,0.5714,2",
    ]


def test_json_keeps_both_languages_and_column_keys() -> None:
    document = json.loads(to_json(SMALL))
    assert document["title"] == {"zh": "小表", "en": "Small"}
    assert document["rows"][0] == {
        "name": {"zh": "东村小学", "en": "East"},
        "count": 3,
        "rate": 0.875,
        "average": 12.25,
    }


def test_text_table_aligns_chinese_as_two_columns() -> None:
    assert to_text(SMALL) == (
        "小表\n"
        "名称      数量   比率  平均\n"
        "东村小学     3  87.5%  12.2\n"
        "a,b          0\n"
        "合计         3  50.0%  12.2\n"
    )


HOSTILE = Table(
    name="hostile",
    title=Label("表", "Table"),
    columns=(Column("name", Label("名称", "Name"), Kind.TEXT), Column("count", Label("数", "N"))),
    rows=(
        ('=HYPERLINK("http://evil.example","点我")', -3),
        (Label("+1", "+1"), 0),
        ("-2", 1),
        ("@SUM(A1)", 2),
        ("\tx", 3),
        ("\rx", 4),
        ("东村小学", -5),
    ),
)
INERT = ['\'=HYPERLINK("http://evil.example","点我")', "'+1", "'-2", "'@SUM(A1)", "'\tx"]


def test_csv_text_starting_a_formula_gets_a_quote_and_numbers_stay_numbers() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(HOSTILE).decode("utf-8-sig"), newline="")))

    assert rows[1:] == [
        [INERT[0], "-3"],
        [INERT[1], "0"],
        [INERT[2], "1"],
        [INERT[3], "2"],
        [INERT[4], "3"],
        ["'\rx", "4"],
        ["东村小学", "-5"],
    ]


def test_xlsx_text_cells_are_strings_never_formulas() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(HOSTILE))).active
    assert sheet is not None

    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]

    assert [cell.data_type for cell in cells if cell.data_type == "f"] == []
    assert [cell.value for cell in cells] == [
        '=HYPERLINK("http://evil.example","点我")', -3, "+1", 0, "-2", 1, "@SUM(A1)", 2,
        "\tx", 3, "\nx", 4, "东村小学", -5,  # XML reads a CR back as LF
    ]  # fmt: skip
    assert {cell.data_type for cell in cells[1::2]} == {"n"}
