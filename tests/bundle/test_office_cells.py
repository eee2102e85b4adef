"""Cells as Chinese Office writes them: half-day clock times, serial dates, day fractions,
Chinese weekday ranges, full-width digits and punctuation in lists; merged cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from coordinator.bundle import cells, read_bundle
from coordinator.bundle.cells import Cell, CellError

from .helpers import BundleCopy
from .test_xlsx import build_workbook


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("上午8:50", dt.time(8, 50)),
        ("上午 08:50", dt.time(8, 50)),
        ("下午2:00", dt.time(14, 0)),
        ("下午 12:30", dt.time(12, 30)),
        ("中午12:10", dt.time(12, 10)),
        ("中午1:00", dt.time(13, 0)),
        ("晚上7:00", dt.time(19, 0)),
        ("2:00 PM", dt.time(14, 0)),
        ("8:50 am", dt.time(8, 50)),
        ("上午１０：００", dt.time(10, 0)),
        ("0.375", dt.time(9, 0)),
        (".5", dt.time(12, 0)),
        (0.6041666666666666, dt.time(14, 30)),
    ],
)
def test_clock_reads_office_forms(cell: Cell, expected: dt.time) -> None:
    assert cells.clock(cell) == expected


@pytest.mark.parametrize("cell", ["下午14:00", "上午0:30", "8.50", "1.5", "下午"])
def test_clock_refuses_forms_that_disagree(cell: str) -> None:
    with pytest.raises(CellError, match="is not a clock time"):
        cells.clock(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("46266", dt.date(2026, 9, 1)),
        (46266, dt.date(2026, 9, 1)),
        (46266.0, dt.date(2026, 9, 1)),
        ("４６２６６", dt.date(2026, 9, 1)),
        ("２０２６－０９－０１", dt.date(2026, 9, 1)),
    ],
)
def test_date_reads_excel_serial_numbers(cell: Cell, expected: dt.date) -> None:
    assert cells.date(cell) == expected


@pytest.mark.parametrize("cell", ["20260901", "46266.5", 5])
def test_date_refuses_numbers_that_are_no_day(cell: Cell) -> None:
    with pytest.raises(CellError, match="not a date"):
        cells.date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("一至五", (1, 2, 3, 4, 5)),
        ("周一至五", (1, 2, 3, 4, 5)),
        ("星期一 到 星期三", (1, 2, 3)),
        ("一、三、五", (1, 3, 5)),
        ("周一，周三；周五", (1, 3, 5)),
        ("１，３", (1, 3)),
        ("１－５", (1, 2, 3, 4, 5)),
        ("周一 周三", (1, 3)),
        ("六至日", (6, 7)),
    ],
)
def test_weekdays_read_chinese_ranges_and_full_width_lists(
    cell: str, expected: tuple[int, ...]
) -> None:
    assert cells.weekdays(cell) == expected


def test_grades_read_full_width_punctuation() -> None:
    assert cells.grades("３，４、５") == (3, 4, 5)


def test_merge_across_columns_is_reported_with_its_cells(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "small.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["regions"].merge_cells("A2:B2")
    workbook.save(path)

    problems = [str(problem) for problem in read_bundle(path).errors]

    assert problems[0] == (
        "regions:2: cells A2:B2 are merged across columns, so it is unclear which column the "
        "value belongs to; unmerge them and type the value in each cell"
    )


def test_merge_down_one_column_fills_every_line(small: BundleCopy, tmp_path: Path) -> None:
    rows = small.rows("schools")
    region = rows[0].index("region_id")
    path = build_workbook(small, tmp_path / "small.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["schools"]
    for line in range(3, len(rows) + 1):
        sheet.cell(line, region + 1).value = None
    sheet.merge_cells(
        start_row=2, end_row=len(rows), start_column=region + 1, end_column=region + 1
    )
    workbook.save(path)

    report = read_bundle(path)

    assert report.errors == []
    assert report.bundle is not None
    assert {school.region_id for school in report.bundle.schools} == {rows[1][region]}
