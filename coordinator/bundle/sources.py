"""Raw tables from a folder of CSV files or a .xlsx workbook, each row with its spreadsheet line.

Knows nothing of the bundle's schema: it finds the header, drops blank lines, and reports what
makes a file unreadable (no known encoding, too big, no header, cells without a column name).
Workbooks are read in `workbooks`; `loading` chooses between the two.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from coordinator.bundle.cells import Cell, is_blank, text
from coordinator.bundle.encodings import NotText, decode_text
from coordinator.bundle.limits import ReadLimits, megabytes
from coordinator.bundle.problems import Problem, error

IGNORED_PREFIXES = (".", "~$")
TEXT_SUFFIXES = (".csv", ".txt")
OTHER_SEPARATORS = {";": "semicolons", "；": "semicolons"}
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
    read_as: dict[str, str] = field(default_factory=dict)  # file -> encoding or format

    def add(self, name: str, table: Table | None, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        if table is None:
            self.unreadable.add(name)
        else:
            self.tables[name] = table


def load_csv_folder(folder: Path, limits: ReadLimits) -> Source:
    """Every `*.csv` (and Excel's "Unicode text" `*.txt`) file directly inside `folder`
    (lock and hidden files skipped)."""
    source = Source()
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        message = f"cannot be read: {exc.strerror}"
        return Source(problems=[error(str(folder), None, None, message)], opened=False)
    for path in paths:
        if path.suffix.lower() not in TEXT_SUFFIXES or path.name.startswith(IGNORED_PREFIXES):
            continue
        lines, problems, encoding = read_csv_lines(path, limits)
        if encoding:
            source.read_as[path.name] = encoding
        table = None if lines is None else build_table(path.stem, path.name, lines, problems)
        source.add(path.stem, table, problems)
    return source


def read_csv_lines(
    path: Path, limits: ReadLimits
) -> tuple[list[tuple[int, list[Cell]]] | None, list[Problem], str]:
    """The records of a CSV file numbered as a spreadsheet shows them, or why it is
    unreadable; and the name of the encoding it was read in."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            message = (
                f"is {megabytes(size)}, more than the {megabytes(limits.max_file_bytes)} "
                "allowed for one file; split the data into smaller files"
            )
            return None, [error(path.name, None, None, message)], ""
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(path.name, None, None, f"cannot be read: {exc.strerror}")], ""
    lines = data.count(b"\n")
    if lines > 2 * limits.max_rows:  # refused before decoding: what an editor shows as lines
        message = (
            f"has {lines} lines, more than the {limits.max_rows} allowed in one file; split it"
        )
        return None, [error(path.name, None, None, message)], ""
    try:
        decoded = decode_text(data)
    except NotText as exc:
        return None, [error(path.name, exc.line, None, str(exc))], ""
    records, problems = split_records(path.name, decoded.text, limits)
    return records, problems, decoded.encoding


def split_records(
    file: str, content: str, limits: ReadLimits
) -> tuple[list[tuple[int, list[Cell]]] | None, list[Problem]]:
    """CSV records of `content` (commas, or tabs when the first line has tabs and no comma),
    at most `limits.max_rows` of them."""
    first = content.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number > limits.max_rows:
                message = f"has more than the {limits.max_rows} lines allowed in one file; split it"
                return None, [error(file, None, None, message)]
            records.append((number, list(record)))
    except csv.Error as exc:
        return None, [error(file, len(records) + 1, None, f"is not valid CSV: {exc}")]
    return records, []


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
