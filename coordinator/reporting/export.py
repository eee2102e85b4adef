"""Tables out: CSV that Excel opens in Chinese, XLSX with a frozen header, JSON, plain text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from coordinator.reporting.facts import Label
from coordinator.reporting.tables import Cell, Column, Kind, Table

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with this mark
NUMBER_FORMATS = {Kind.INT: "0", Kind.DECIMAL: "0.0", Kind.RATE: "0.0%", Kind.TEXT: "@"}
MAX_WIDTH = 60
# A text cell starting with one of these is a formula to Excel, WPS and LibreOffice (OWASP
# "CSV injection"): `=HYPERLINK(...)` in a school's name would become a live link.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Fixed document times, so the same report gives the same bytes.
WORKBOOK_TIME = dt.datetime(2026, 1, 1)  # noqa: DTZ001 (openpyxl wants a naive time)


def headings(table: Table, language: str) -> list[str]:
    return [column.label.text(language) for column in table.columns]


def all_rows(table: Table) -> list[tuple[Cell, ...]]:
    return [*table.rows, *([table.footer] if table.footer else [])]


def text_of(cell: Cell, column: Column, language: str) -> str:
    """A cell as text: rates as percentages, decimals to one place, blanks for unknown."""
    if cell is None:
        return ""
    if isinstance(cell, Label):
        return cell.text(language)
    if isinstance(cell, str):
        return cell
    if column.kind is Kind.RATE:
        return f"{cell:.1%}"
    if column.kind is Kind.DECIMAL:
        return f"{cell:.1f}"
    return str(cell)


def inert(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading `'` when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table, language: str = "zh") -> bytes:
    """UTF-8 with a byte-order mark and CRLF line ends, as Excel expects; text never a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(inert(heading) for heading in headings(table, language))
    for row in all_rows(table):
        writer.writerow(
            _csv_cell(c, col, language) for c, col in zip(row, table.columns, strict=True)
        )
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_cell(cell: Cell, column: Column, language: str) -> str:
    """Numbers stay numbers (rates as fractions, e.g. 0.875) so a spreadsheet can sum them;
    text is made inert."""
    if isinstance(cell, float) and column.kind is Kind.RATE:
        return f"{cell:.4f}"
    if isinstance(cell, str | Label):
        return inert(text_of(cell, column, language))
    return text_of(cell, column, language)


def to_xlsx(table: Table, language: str = "zh") -> bytes:
    """One sheet: a bold frozen header row, number formats per column, widths that fit."""
    return to_xlsx_book((table,), language, title=table.title.text(language))


def to_xlsx_book(tables: Sequence[Table], language: str = "zh", *, title: str = "") -> bytes:
    """One sheet per table, in order, each written as `to_xlsx` writes its one sheet."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for index, table in enumerate(tables):
        sheet = first if index == 0 else workbook.create_sheet()
        _fill_sheet(sheet, table, language)
    workbook.properties.created = WORKBOOK_TIME
    workbook.properties.modified = WORKBOOK_TIME
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fill_sheet(sheet: Worksheet, table: Table, language: str) -> None:
    sheet.title = table.name[:31]
    for number, row in enumerate([headings(table, language), *all_rows(table)], start=1):
        for index, value in enumerate(row, start=1):
            _put(sheet.cell(number, index), _xlsx_value(value, language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if column.kind is not Kind.TEXT:
                cell.number_format = NUMBER_FORMATS[column.kind]
        sheet.column_dimensions[letter].width = _width(table, index - 1, language)
    if table.footer:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _xlsx_value(cell: Cell, language: str) -> str | int | float | None:
    return cell.text(language) if isinstance(cell, Label) else cell


def _put(cell: Any, value: str | int | float | None) -> None:
    """A number as a number; text as a string cell, never a formula (openpyxl makes any text
    starting with `=` one)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _width(table: Table, index: int, language: str) -> float:
    column = table.columns[index]
    texts = [column.label.text(language)]
    texts += [text_of(row[index], column, language) for row in all_rows(table)]
    return float(min(MAX_WIDTH, max(display_width(t) for t in texts) + 2))


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width font: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_records(table: Table) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column key; names as {"zh": ..., "en": ...}."""
    keys = [column.key for column in table.columns]
    return [
        {
            k: {"zh": c.zh, "en": c.en} if isinstance(c, Label) else c
            for k, c in zip(keys, row, strict=True)
        }
        for row in all_rows(table)
    ]


def to_json(table: Table) -> str:
    document = {
        "name": table.name,
        "title": {"zh": table.title.zh, "en": table.title.en},
        "rows": to_records(table),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def to_jsonl(table: Table) -> str:
    """JSON lines: one object per row, keyed by column key (what platforms ingest in bulk)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in to_records(table))


def to_text(table: Table, language: str = "zh") -> str:
    """An aligned plain-text table for a terminal (Chinese counted as two columns)."""
    grid = [headings(table, language)]
    grid += [
        [text_of(c, col, language) for c, col in zip(row, table.columns, strict=True)]
        for row in all_rows(table)
    ]
    widths = [max(display_width(row[i]) for row in grid) for i in range(len(table.columns))]
    lines = [table.title.text(language)]
    for row in grid:
        cells = [
            _pad(text, width, col.kind)
            for text, width, col in zip(row, widths, table.columns, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _pad(text: str, width: int, kind: Kind) -> str:
    gap = " " * (width - display_width(text))
    return text + gap if kind is Kind.TEXT else gap + text
