"""Ids and keys: duplicates within a file, and references to ids that do not exist."""

from __future__ import annotations

from coordinator.bundle.parsed import Parsed, ParsedTable
from coordinator.bundle.problems import Problem, error
from coordinator.bundle.rows import did_you_mean


def check_keys(parsed: Parsed, problems: list[Problem]) -> None:
    """Report each line whose id (or other key) repeats an earlier line of the same file."""
    for table in parsed.tables.values():
        for key in table.spec.keys:
            check_key(table, key, problems)


def check_key(table: ParsedTable, key: tuple[str, ...], problems: list[Problem]) -> None:
    required = [name for name in key if table.spec.column(name).required]
    first_line: dict[tuple[object, ...], int] = {}
    for row in table.rows:
        if any(name not in row.values for name in required):
            continue
        value = tuple(row.values.get(name) for name in key)
        if value not in first_line:
            first_line[value] = row.line
            continue
        if len(key) == 1:
            message = f"duplicate {key[0]} {value[0]!r} (first on line {first_line[value]})"
        else:
            message = f"same {', '.join(key)} as line {first_line[value]}"
        problems.append(error(table.file, row.line, key[0], message))


def check_references(parsed: Parsed, problems: list[Problem]) -> None:
    """Report every id that names a line of another file that does not exist."""
    for table in parsed.tables.values():
        for column in table.spec.columns:
            if column.ref is None:
                continue
            known = parsed.ids(column.ref)
            if known is None:
                continue
            for row in table.rows:
                value = row.values.get(column.name)
                for item in value if isinstance(value, tuple) else (value,):
                    if item is not None and str(item) not in known:
                        message = unknown_id(str(item), parsed.file(column.ref), known)
                        problems.append(error(table.file, row.line, column.name, message))


def unknown_id(value: str, file: str, known: set[str]) -> str:
    """`'x' is not an id in schools.csv (did you mean 'y'?)`."""
    return f"{value!r} is not an id in {file}" + did_you_mean(value, sorted(known))
