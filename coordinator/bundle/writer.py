"""Writing a Bundle in its canonical form: a folder of CSV files or one .xlsx workbook.

Every known file is written with every column, defaults spelled out, so reading the result
back gives an equal Bundle. Bell periods and busy blocks that differ only in their weekday and
follow each other are written as one line (`1-5`). CSV output is deterministic: UTF-8 with a
byte-order mark (so Excel shows Chinese correctly) and `\\n` line ends.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import unicodedata
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeAlias

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from coordinator.bundle.cells import format_clock, format_numbers
from coordinator.bundle.schema import ALL_FILES, EXPANDED, FileSpec
from coordinator.domain import Bundle

Value: TypeAlias = str | int | dt.date | dt.time
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MAX_WIDTH = 40
# Columns where Excel turns typed input into something else (1-5 into a date, long numbers)
TEXT_COLUMNS = frozenset({"weekdays", "grades", "phone", "subjects", "id"})


def write_bundle_csv(bundle: Bundle, folder: Path, *, bom: bool = True) -> None:
    """Write `bundle` into `folder` (created if need be), one CSV file per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec, rows in tables(bundle):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(spec.column_names)
        writer.writerows([[as_text(value) for value in row] for row in rows])
        encoding = "utf-8-sig" if bom else "utf-8"
        (folder / f"{spec.name}.csv").write_bytes(buffer.getvalue().encode(encoding))


def write_bundle_xlsx(bundle: Bundle, path: Path) -> None:
    """Write `bundle` as one workbook, a sheet per table; dates and times as Excel cells."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for spec, rows in tables(bundle):
        sheet = workbook.create_sheet(spec.name)
        sheet.append(list(spec.column_names))
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                put(sheet.cell(number, column), value)
        lay_out(sheet, spec.column_names, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def lay_out(sheet: Any, columns: Sequence[str], rows: list[list[Value]]) -> None:
    """Bold frozen header, columns wide enough, and Text format where Excel would mangle input."""
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns):
        cell = sheet.cell(1, index + 1)
        cell.font = Font(bold=True)
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        texts = [name, *(as_text(row[index]) for row in rows)]
        dimension.width = min(MAX_WIDTH, max(map(display_width, texts)) + 2)
        if name in TEXT_COLUMNS:
            dimension.number_format = TEXT_FORMAT


def display_width(value: str) -> int:
    """Columns a text takes on screen: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in value)


def put(cell: Any, value: Value) -> None:
    """Store `value` in a worksheet cell with a format that reads back as the same value."""
    if isinstance(value, dt.date):
        cell.value, cell.number_format = value, DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.value, cell.number_format = value, "hh:mm:ss" if value.second else "hh:mm"
    elif isinstance(value, int):
        cell.value = value
    elif value:
        cell.value, cell.number_format = value, TEXT_FORMAT
        cell.data_type = "s"  # never a formula, even when it starts with "="


def tables(bundle: Bundle) -> Iterator[tuple[FileSpec, list[list[Value]]]]:
    """Each file's spec and its rows of canonical values, in documentation order."""
    for spec in ALL_FILES:
        if spec.name == "meta":
            yield spec, meta_rows(bundle)
        else:
            yield (
                spec,
                [row_values(spec, item) for item in grouped(spec, getattr(bundle, spec.name))],
            )


def meta_rows(bundle: Bundle) -> list[list[Value]]:
    rows: list[list[Value]] = []
    if bundle.name:
        rows.append(["name", bundle.name])
    if bundle.anchor_date:
        rows.append(["anchor_date", bundle.anchor_date])
    return rows


def grouped(spec: FileSpec, items: Sequence[Any]) -> list[tuple[Any, tuple[int, ...]]]:
    """Items with the weekdays of their line: runs that differ only in an ascending weekday."""
    if EXPANDED not in spec.column_names:
        return [(item, ()) for item in items]
    runs: list[tuple[Any, tuple[int, ...]]] = []
    for item in items:
        if runs and same_but_weekday(runs[-1][0], item) and runs[-1][1][-1] < item.weekday:
            runs[-1] = (runs[-1][0], (*runs[-1][1], item.weekday))
        else:
            runs.append((item, (item.weekday,)))
    return runs


def same_but_weekday(first: Any, second: Any) -> bool:
    return bool(dataclasses.replace(first, weekday=0) == dataclasses.replace(second, weekday=0))


def row_values(spec: FileSpec, entry: tuple[Any, tuple[int, ...]]) -> list[Value]:
    item, weekdays = entry
    return [
        format_numbers(weekdays) if name == EXPANDED else canonical(getattr(item, name))
        for name in spec.column_names
    ]


def canonical(value: object) -> Value:
    """A field value as the bundle spells it; dates, times and whole numbers stay typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str | int | dt.date | dt.time):
        return value
    if isinstance(value, tuple):
        if all(isinstance(part, int) for part in value):
            return format_numbers(value)
        return ";".join(str(part) for part in value)
    raise TypeError(f"cannot write {value!r} into a bundle")


def as_text(value: Value) -> str:
    """The CSV spelling of a canonical value."""
    if isinstance(value, dt.time):
        return format_clock(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
