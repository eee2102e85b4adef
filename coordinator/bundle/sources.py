"""Raw tables from a folder of CSV files or a .xlsx workbook, each row with its spreadsheet line.

Knows nothing of the bundle's schema: it finds the header, drops blank lines, and reports what
makes a file unreadable (not UTF-8, no header, cells without a column name).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from coordinator.bundle.cells import Cell, is_blank, text
from coordinator.bundle.problems import Problem, error

IGNORED_PREFIXES = (".", "~$")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
OTHER_SEPARATORS = {"\t": "tabs", ";": "semicolons", "；": "semicolons"}
SAVE_AS = "save it as 'CSV UTF-8 (comma delimited)'"


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank line below the header: its spreadsheet line and its cells by column."""

    line: int
    cells: dict[str, Cell]


@dataclass(frozen=True, slots=True)
class Table:
    """One CSV file or sheet: its name without `.csv`, how problems name it, columns, rows."""

    name: str
    file: str
    columns: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]


@dataclass(slots=True)
class Source:
    """Every table found, the names of those that could not be read, and why."""

    tables: dict[str, Table] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    opened: bool = True  # False when the path itself could not be read as a bundle

    def add(self, name: str, table: Table | None, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        if table is None:
            self.unreadable.add(name)
        else:
            self.tables[name] = table


def load_source(path: Path) -> Source:
    """The tables of a bundle folder or workbook; a bad path gives a problem, not an exception."""
    if path.is_dir():
        return load_csv_folder(path)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return load_workbook(path)
    if not path.exists():
        message = "no such file or folder"
    elif path.suffix.lower() == ".csv":
        message = "is one CSV file; give the folder that holds all the bundle's CSV files"
    elif path.suffix.lower() in {".xls", ".et", ".ods", ".numbers"}:
        message = "is not a .xlsx workbook; save it in Excel Workbook (.xlsx) format"
    else:
        message = "is neither a folder of CSV files nor a .xlsx workbook"
    return Source(problems=[error(str(path), None, None, message)], opened=False)


def load_csv_folder(folder: Path) -> Source:
    """Every `*.csv` file directly inside `folder` (lock and hidden files skipped)."""
    source = Source()
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        message = f"cannot be read: {exc.strerror}"
        return Source(problems=[error(str(folder), None, None, message)], opened=False)
    for path in paths:
        if path.suffix.lower() != ".csv" or path.name.startswith(IGNORED_PREFIXES):
            continue
        lines, problems = read_csv_lines(path)
        table = None if lines is None else build_table(path.stem, path.name, lines, problems)
        source.add(path.stem, table, problems)
    return source


def read_csv_lines(path: Path) -> tuple[list[tuple[int, list[Cell]]] | None, list[Problem]]:
    """The records of a CSV file numbered as a spreadsheet shows them, or why it is unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(path.name, None, None, f"cannot be read: {exc.strerror}")]
    content, problem = decode(path.name, data)
    if content is None:
        return None, [problem] if problem else []
    reader = csv.reader(io.StringIO(content, newline=""))
    records: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, list(record)))
    except csv.Error as exc:
        return None, [error(path.name, len(records) + 1, None, f"is not valid CSV: {exc}")]
    return records, []


def decode(file: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text with any byte-order mark removed, or a problem naming the first bad line."""
    if data.startswith(UTF16_BOMS):
        return None, error(file, None, None, f"is UTF-16 text, not UTF-8; {SAVE_AS}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        guess = "it looks like GBK (GB18030) text; " if looks_like_gbk(data) else ""
        message = f"is not UTF-8 text (byte 0x{byte:02X} on this line); {guess}{SAVE_AS}"
        return None, error(file, line, None, message)


def looks_like_gbk(data: bytes) -> bool:
    """Whether the bytes read cleanly as GB18030, the usual encoding of Chinese Excel exports."""
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def load_workbook(path: Path) -> Source:
    """Every worksheet of the workbook, one table per sheet, named by the sheet title."""
    source = Source()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it skips
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        source.problems.append(error(path.name, None, None, f"is not a readable workbook: {exc}"))
        source.opened = False
        return source
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip()
            lines = [
                (number, [workbook_cell(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            problems: list[Problem] = []
            source.add(name, build_table(name, name, lines, problems), problems)
    finally:
        workbook.close()
    return source


def workbook_cell(value: object) -> Cell:
    """A worksheet value as a raw cell: rich text and formulas as text, decimals as floats."""
    if value is None or isinstance(
        value, str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta
    ):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def build_table(
    name: str, file: str, lines: Sequence[tuple[int, list[Cell]]], problems: list[Problem]
) -> Table | None:
    """The table below the first non-blank line (the header); None when it cannot be read."""
    content = [(number, cells) for number, cells in lines if not all(map(is_blank, cells))]
    if not content:
        problems.append(error(file, None, None, "is empty; it needs a header line"))
        return None
    header_line, header_cells = content[0]
    header = [text(cell) for cell in header_cells]
    if separator_problem(file, header_line, header, problems):
        return None
    positions = header_positions(file, header_line, header, problems)
    rows: list[Row] = []
    for number, cells in content[1:]:
        if [text(cell) for cell in cells[: len(header)]] == header:
            problems.append(error(file, number, None, "repeats the header line"))
            continue
        rows.append(Row(number, {column: cell_at(cells, index) for column, index in positions}))
    report_nameless_values(file, len(header), header, content[1:], problems)
    columns = tuple(column for column, _ in positions)
    return Table(name, file, columns, header_line, tuple(rows))


def separator_problem(file: str, line: int, header: list[str], problems: list[Problem]) -> bool:
    """Report a header that is one cell holding tabs or semicolons: the wrong separator."""
    named = [cell for cell in header if cell]
    if len(named) != 1:
        return False
    for separator, what in OTHER_SEPARATORS.items():
        if separator in named[0]:
            problems.append(error(file, line, None, f"columns are separated by {what}; {SAVE_AS}"))
            return True
    return False


def header_positions(
    file: str, line: int, header: list[str], problems: list[Problem]
) -> list[tuple[str, int]]:
    """Each named column with its position; a name used twice is reported and read once."""
    positions: dict[str, int] = {}
    for index, column in enumerate(header):
        if not column:
            continue
        if column in positions:
            first, again = get_column_letter(positions[column] + 1), get_column_letter(index + 1)
            message = f"appears twice in the header (columns {first} and {again})"
            problems.append(error(file, line, column, message))
            continue
        positions[column] = index
    return list(positions.items())


def report_nameless_values(
    file: str,
    width: int,
    header: list[str],
    rows: Iterable[tuple[int, list[Cell]]],
    problems: list[Problem],
) -> None:
    """Report, once per spreadsheet column, a value standing under no column name."""
    seen: set[int] = set()
    for number, cells in rows:
        for index, cell in enumerate(cells):
            nameless = index >= width or not header[index]
            if nameless and index not in seen and not is_blank(cell):
                seen.add(index)
                letter = get_column_letter(index + 1)
                message = f"value {text(cell)!r} in column {letter} has no column name above it"
                problems.append(error(file, number, None, message))


def cell_at(cells: list[Cell], index: int) -> Cell:
    """The cell at `index`, or None past the end of a short line."""
    return cells[index] if index < len(cells) else None
