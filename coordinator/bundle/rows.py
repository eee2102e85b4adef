"""Lines to domain objects: check the header against the spec, parse each cell, build."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import cast

from coordinator.bundle.cells import CellError, is_blank
from coordinator.bundle.parsed import ParsedRow, ParsedTable
from coordinator.bundle.problems import Problem, error
from coordinator.bundle.schema import EXPANDED, FileSpec
from coordinator.bundle.sources import Row, Table


def parse_table(spec: FileSpec, table: Table, problems: list[Problem]) -> ParsedTable:
    """Every line of `table` parsed by `spec`; problems go to `problems`."""
    missing = check_header(spec, table, problems)
    parsed = ParsedTable(spec, table.file, table.header_line, complete=not missing)
    for row in table.rows:
        values, ok = parse_cells(spec, table.file, row, problems)
        objects = build(spec, values) if ok and not missing else ()
        parsed.complete = parsed.complete and ok
        parsed.rows.append(ParsedRow(row.line, values, objects))
    return parsed


def check_header(spec: FileSpec, table: Table, problems: list[Problem]) -> bool:
    """Report missing required and unknown columns; True when a required one is missing."""
    line = table.header_line
    missing = [
        column.name
        for column in spec.columns
        if column.required and column.name not in table.columns
    ]
    for name in missing:
        problems.append(error(table.file, line, name, "required column is missing"))
    for name in table.columns:
        if name not in spec.column_names:
            message = "unknown column" + did_you_mean(name, spec.column_names)
            problems.append(error(table.file, line, name, message))
    return bool(missing)


def parse_cells(
    spec: FileSpec, file: str, row: Row, problems: list[Problem]
) -> tuple[dict[str, object], bool]:
    """The parsed non-blank cells of one line, and whether every cell was fine."""
    values: dict[str, object] = {}
    ok = True
    for column in spec.columns:
        if column.name not in row.cells:
            continue
        cell = row.cells[column.name]
        if is_blank(cell):
            if column.required:
                problems.append(error(file, row.line, column.name, "is empty but required"))
                ok = False
            continue
        try:
            values[column.name] = column.parse(cell)
        except CellError as exc:
            problems.append(error(file, row.line, column.name, str(exc)))
            ok = False
    return values, ok


def build(spec: FileSpec, values: dict[str, object]) -> tuple[object, ...]:
    """The domain objects of one line: one, or one per weekday for a `weekdays` column."""
    if EXPANDED not in values:
        return (spec.make(**values),)
    fields = {name: value for name, value in values.items() if name != EXPANDED}
    days = cast(tuple[int, ...], values[EXPANDED])
    return tuple(spec.make(**fields, weekday=day) for day in days)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a close match, else nothing."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.7)
    if not close and name.casefold() in {choice.casefold() for choice in choices}:
        close = [choice for choice in choices if choice.casefold() == name.casefold()]
    return f" (did you mean {close[0]!r}?)" if close else ""
