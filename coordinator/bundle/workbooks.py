"""Workbooks (.xlsx, .xls, .ods) read by calamine, one table per sheet, merged cells resolved.

A merge inside one column (a school or weekday typed once for several lines) is filled down
from its top-left cell; a merge across columns has no one clear meaning and is reported.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from coordinator.bundle.cells import Cell
from coordinator.bundle.limits import ReadLimits, megabytes
from coordinator.bundle.packed import UnsafeZip, check_zip
from coordinator.bundle.problems import Problem, error
from coordinator.bundle.sources import Source, build_table

ZIPPED = {".xlsx", ".xlsm", ".ods"}
WORKBOOK_SUFFIXES = (*ZIPPED, ".xls")
FORMATS = {
    ".xlsx": "Excel workbook (.xlsx)",
    ".xlsm": "Excel workbook (.xlsm)",
    ".xls": "Excel 97–2003 workbook (.xls)",
    ".ods": "OpenDocument spreadsheet (.ods)",
}
Merge = tuple[tuple[int, int], tuple[int, int]]


def load_workbook(path: Path, limits: ReadLimits) -> Source:
    """Every worksheet of the workbook, one table per sheet, named by the sheet title."""
    suffix = path.suffix.lower()
    source = Source(read_as={path.name: FORMATS[suffix]})
    problem = refusal(path, suffix, limits)
    if problem is None:
        try:
            read_sheets(path, limits, source)
            return source
        except (CalamineError, ValueError, OSError, OverflowError) as exc:
            problem = (
                f"is not a readable workbook: {exc}; open it in Excel or WPS and save it "
                "again as Excel Workbook (.xlsx)"
            )
    source.problems.append(error(path.name, None, None, problem))
    source.opened = False
    return source


def refusal(path: Path, suffix: str, limits: ReadLimits) -> str | None:
    """Why the workbook is not opened at all (too big, unsafe), or None."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        return (
            f"is {megabytes(size)}, more than the {megabytes(limits.max_file_bytes)} allowed "
            "for one file; split the data into smaller files"
        )
    if suffix in ZIPPED:
        try:
            check_zip(path, limits, scan_xml=True)
        except UnsafeZip as exc:
            return str(exc)
        except zipfile.BadZipFile as exc:
            return f"is not a readable workbook: {exc}"
    return None


def read_sheets(path: Path, limits: ReadLimits, source: Source) -> None:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            name = sheet_name.strip()
            problems: list[Problem] = []
            too_big = sheet_too_big(sheet, limits)
            if too_big:
                source.add(name, None, [error(name, None, None, too_big)])
                continue
            lines = sheet_lines(name, sheet, problems)
            source.add(name, build_table(name, name, lines, problems), problems)
    finally:
        workbook.close()


def sheet_too_big(sheet: CalamineSheet, limits: ReadLimits) -> str | None:
    """Why a sheet is not read (more lines or columns than allowed), or None; told from the
    sheet's last cell before its cells are turned into Python values."""
    end = sheet.end or (-1, -1)
    lines, columns = end[0] + 1, end[1] + 1
    if lines > limits.max_rows:
        return f"has {lines} lines, more than the {limits.max_rows} allowed in one sheet; split it"
    if columns > limits.max_columns:
        return (
            f"has {columns} columns, more than the {limits.max_columns} allowed in "
            "one sheet; delete the empty columns at its right"
        )
    return None


def sheet_lines(
    name: str, sheet: CalamineSheet, problems: list[Problem], *, across: str = "report"
) -> list[tuple[int, list[Cell]]]:
    """The sheet's rows numbered from 1, merged cells resolved (see the module doc)."""
    grid: list[list[Cell]] = [
        [workbook_cell(value) for value in values]
        for values in sheet.to_python(skip_empty_area=False)
    ]
    for merge in sorted(sheet.merged_cell_ranges or []):
        resolve_merge(name, grid, merge, problems if across == "report" else None)
    return list(enumerate(grid, start=1))


def resolve_merge(
    name: str, grid: list[list[Cell]], merge: Merge, problems: list[Problem] | None
) -> None:
    """Fill a one-column merge down from its top cell; report a merge across columns (or,
    without `problems`, keep its value in the top-left cell only)."""
    (top, left), (bottom, right) = merge
    if top >= len(grid) or left >= len(grid[top]):
        return
    if left != right:
        if problems is None:
            return
        where = f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}"
        message = (
            f"cells {where} are merged across columns, so it is unclear which column the value "
            "belongs to; unmerge them and type the value in each cell"
        )
        problems.append(error(name, top + 1, None, message))
        return
    value = grid[top][left]
    for row in grid[top + 1 : bottom + 1]:
        if left < len(row):
            row[left] = value


def workbook_cell(value: object) -> Cell:
    """A calamine value as a raw cell: empty text as None, others as they are."""
    if value == "" or value is None:
        return None
    if isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta):
        return value
    return str(value)
