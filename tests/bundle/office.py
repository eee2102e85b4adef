"""The demo bundle saved the ways Chinese Office saves it: GBK CSV, UTF-16 text, .xls, and
.xlsx with merged cells; each written by a real writer (Python codecs, xlwt, openpyxl)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.worksheet.worksheet import Worksheet

from coordinator.bundle.cells import Cell

DEMO = Path(__file__).parents[2] / "config" / "demo"
TIME = re.compile(r"\d\d:\d\d")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
# Columns whose runs of equal values an admin merges into one cell.
MERGED = {"classrooms": "school_id", "bell_periods": "weekdays", "busy_blocks": "teacher_id"}


def demo_tables() -> dict[str, list[list[str]]]:
    """Every CSV file of the demo bundle as rows of text, header first."""
    return {
        path.stem: list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
        for path in sorted(DEMO.glob("*.csv"))
    }


def excel_value(text: str) -> Cell:
    """A CSV cell as Excel stores it once typed in: numbers as floats, dates, times."""
    if text.isdigit() and not text.startswith("0"):
        return float(text)
    if TIME.fullmatch(text):
        return dt.time.fromisoformat(text)
    if DATE.fullmatch(text):
        return dt.datetime.fromisoformat(text)
    return text or None


def save_csv(folder: Path, *, encoding: str, bom: bytes = b"") -> Path:
    """Comma-separated files in `encoding` (CRLF lines, as Excel writes them)."""
    folder.mkdir()
    for name, rows in demo_tables().items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        (folder / f"{name}.csv").write_bytes(bom + buffer.getvalue().encode(encoding))
    return folder


def save_unicode_text(folder: Path) -> Path:
    """Excel's "Unicode text": tab-separated `.txt`, UTF-16 LE with a byte-order mark."""
    folder.mkdir()
    for name, rows in demo_tables().items():
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
        data = codecs.BOM_UTF16_LE + buffer.getvalue().encode("utf-16-le")
        (folder / f"{name}.txt").write_bytes(data)
    return folder


def save_xls(path: Path) -> Path:
    """An Excel 97–2003 workbook, one sheet per file, cells typed as Excel stores them."""
    workbook = xlwt.Workbook(encoding="utf-8")
    styles = {
        dt.time: xlwt.easyxf(num_format_str="hh:mm"),
        dt.datetime: xlwt.easyxf(num_format_str="yyyy-mm-dd"),
    }
    for name, rows in demo_tables().items():
        sheet = workbook.add_sheet(name)
        for row_index, row in enumerate(rows):
            for column, text in enumerate(row):
                value = text if row_index == 0 else excel_value(text)
                if value is None:
                    continue
                style = styles.get(type(value))
                if style is None:
                    sheet.write(row_index, column, value)
                else:
                    sheet.write(row_index, column, value, style)
    workbook.save(str(path))
    return path


def save_merged_xlsx(path: Path) -> Path:
    """An .xlsx workbook whose school, weekday and teacher columns are merged over runs of
    equal values (the value kept in the top cell only, as Excel keeps it)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, (header, *lines) in demo_tables().items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in lines:
            sheet.append([excel_value(cell) for cell in row])
        if name in MERGED:
            merge_runs(
                sheet,
                header.index(MERGED[name]) + 1,
                [row[header.index(MERGED[name])] for row in lines],
            )
    workbook.save(path)
    return path


def merge_runs(sheet: Worksheet, column: int, values: list[str]) -> int:
    """Merge each run of two or more equal values in `column`; how many merges were made."""
    merges = 0
    start = 0
    for index in range(1, len(values) + 1):
        if index < len(values) and values[index] == values[start]:
            continue
        if index - start > 1:
            sheet.merge_cells(
                start_row=start + 2, end_row=index + 1, start_column=column, end_column=column
            )
            merges += 1
        start = index
    return merges
