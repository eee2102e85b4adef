"""One owner's rows of one table edited in place, checked exactly as an uploaded table.

Every in-place edit of the Data page is one of these: a table, whose rows it replaces (those
whose ``owner`` column holds ``owner_id``; none when it only adds), and the rows typed (column
→ text). The table's file is written with the typed rows and every other stored row of the
region (typed rows first when they replace, last when they add, so a clash is reported on a
typed row: ``first_typed_line``), and goes through ``one_table``: the bundle reader's checks
and messages, the region's rules, nothing written. Blocking: run it in a thread.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coordinator import domain
from coordinator.bundle import BundleReport
from coordinator.bundle.schema import FILES, FileSpec
from coordinator.bundle.writer import as_text, tables
from coordinator.services.data.one_table import check_one_table
from coordinator.services.data.tenancy import region_part

TextRow = dict[str, str]


@dataclass(frozen=True, slots=True)
class RowsEdit:
    """Replace the owner's rows of a table by the typed rows (owner_id "": add them)."""

    table: str
    owner: str
    owner_id: str
    rows: tuple[TextRow, ...]


def spec_of(table: str) -> FileSpec:
    return next(spec for spec in FILES if spec.name == table)


def stored_rows(current: domain.Bundle, region_id: str, table: str) -> list[TextRow]:
    """The region's rows of a table as the CSV file spells them."""
    part = region_part(current, region_id)
    for spec, rows in tables(part):
        if spec.name == table:
            return [dict(zip(spec.column_names, map(as_text, row), strict=True)) for row in rows]
    raise KeyError(table)


def rows_of(
    current: domain.Bundle, region_id: str, table: str, owner: str, owner_id: str
) -> list[TextRow]:
    """The owner's rows of the table, as text."""
    return [row for row in stored_rows(current, region_id, table) if row[owner] == owner_id]


def check_rows_edit(current: domain.Bundle, region_id: str, edit: RowsEdit) -> BundleReport:
    """The stored data with the edit made, checked as a whole (nothing is written)."""
    spec = spec_of(edit.table)
    kept = [
        row
        for row in stored_rows(current, region_id, edit.table)
        if not edit.owner_id or row[edit.owner] != edit.owner_id
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{edit.table}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(spec.column_names)
            # Rows that replace come first; rows added come last, so a clash names the new row.
            ordered = (*kept, *edit.rows) if not edit.owner_id else (*edit.rows, *kept)
            for row in ordered:
                writer.writerow(_cells(spec, row))
        return check_one_table(current, region_id, edit.table, path)


def first_typed_line(current: domain.Bundle, region_id: str, edit: RowsEdit) -> int:
    """The file line of the first typed row (after the header; after every row when adding)."""
    return 2 + (0 if edit.owner_id else len(stored_rows(current, region_id, edit.table)))


def _cells(spec: FileSpec, row: Mapping[str, str]) -> list[str]:
    return [row.get(name, "") for name in spec.column_names]
