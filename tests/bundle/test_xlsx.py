"""Tests of reading .xlsx workbooks: typed cells as Excel stores them, sheet names, bad files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl

from coordinator.bundle import read_bundle
from coordinator.bundle.cells import Cell

from .expected import SMALL_BUNDLE
from .helpers import SMALL, BundleCopy

TIME = re.compile(r"\d\d:\d\d")
DATE = re.compile(r"\d{4}-\d\d-\d\d")


def excel_value(text: str) -> Cell:
    """A CSV cell as Excel stores it once typed in: numbers as floats, dates, times, booleans."""
    if text.isdigit():
        return float(text)
    if TIME.fullmatch(text):
        return dt.time.fromisoformat(text)
    if DATE.fullmatch(text):
        return dt.datetime.fromisoformat(text)
    return {"yes": True, "no": False}.get(text, text or None)


def build_workbook(
    bundle: BundleCopy, path: Path, *, extra: dict[str, list[list[Cell]]] | None = None
) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for csv_path in sorted(bundle.folder.glob("*.csv")):
        sheet = workbook.create_sheet(csv_path.stem)
        header, *lines = bundle.rows(csv_path.stem)
        sheet.append(header)
        for row in lines:
            sheet.append([excel_value(cell) for cell in row])
    for name, extra_rows in (extra or {}).items():
        sheet = workbook.create_sheet(name)
        for extra_row in extra_rows:
            sheet.append(extra_row)
    workbook.save(path)
    return path


def test_read_bundle_xlsx_with_typed_cells_gives_expected_bundle(tmp_path: Path) -> None:
    path = build_workbook(BundleCopy(SMALL), tmp_path / "small.xlsx")

    report = read_bundle(path)

    assert report.problems == []
    assert report.bundle == SMALL_BUNDLE


def test_read_bundle_xlsx_cells_are_typed_as_excel_stores_them(tmp_path: Path) -> None:
    path = build_workbook(BundleCopy(SMALL), tmp_path / "small.xlsx")

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    assistant = next(workbook["assistants"].iter_rows(min_row=2, values_only=True))
    periods = next(workbook["bell_periods"].iter_rows(min_row=2, values_only=True))
    workbook.close()

    assert assistant[3] == 13900000001  # a phone number stored as a number
    assert periods[1:5] == ("1-5", 1, dt.time(8, 0), dt.time(8, 40))


def test_read_bundle_xlsx_problems_name_the_sheet(small: BundleCopy, tmp_path: Path) -> None:
    small.set_cell("classrooms", 3, "students", "many")
    path = build_workbook(small, tmp_path / "bad.xlsx")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == ["classrooms:3: students: 'many' is not a whole number"]


def test_read_bundle_xlsx_missing_sheet_is_an_error(small: BundleCopy, tmp_path: Path) -> None:
    small.delete("needs")
    path = build_workbook(small, tmp_path / "bad.xlsx")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == ["needs: required file is missing"]


def test_read_bundle_xlsx_unknown_sheet_is_a_warning(tmp_path: Path) -> None:
    path = build_workbook(BundleCopy(SMALL), tmp_path / "small.xlsx", extra={"Sheet1": [["notes"]]})

    report = read_bundle(path)

    assert [str(problem) for problem in report.problems] == ["Sheet1: unknown file, ignored"]
    assert report.bundle == SMALL_BUNDLE


def test_read_bundle_xlsx_range_turned_into_a_date_is_explained(
    small: BundleCopy, tmp_path: Path
) -> None:
    small.set_cell("bell_periods", 2, "weekdays", "2026-01-05")
    path = build_workbook(small, tmp_path / "bad.xlsx")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == [
        "bell_periods:2: weekdays: got the date 2026-01-05: Excel turned it into a date; "
        "format the column as Text and type it again"
    ]


def test_read_bundle_xlsx_fraction_in_a_whole_number_column_is_an_error(
    small: BundleCopy, tmp_path: Path
) -> None:
    small.set_cell("needs", 2, "periods_per_week", "2.5")
    path = build_workbook(small, tmp_path / "bad.xlsx")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == ["needs:2: periods_per_week: '2.5' is not a whole number"]


def test_read_bundle_broken_xlsx_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == ["broken.xlsx: is not a readable workbook: File is not a zip file"]
