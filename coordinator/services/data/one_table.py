"""One corrected table (one CSV file) uploaded alone: checked with the whole data, previewed.

The admin's part of the stored data is written out as a bundle folder, the uploaded file
takes the place of its table (named by the file: ``bell_periods.csv``), and the folder is read
by the bundle reader: the same checks, the same messages (file, line, column) as a whole
upload. The preview names what the table gains, changes and retires; every other table is
left exactly as stored. Nothing is written here (blocking: run it in a thread).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Any

from coordinator import domain
from coordinator.bundle import BundleReport, read_bundle, write_bundle_csv
from coordinator.bundle.schema import FILES
from coordinator.errors import CoordinatorError
from coordinator.services.data.imports import merged_for_region
from coordinator.services.data.tenancy import _key, region_part

SHOWN = 20  # rows named per kind of change; the rest are counted


class UnknownTableError(CoordinatorError):
    """The file's name does not name one of the bundle's tables."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableChanges:
    table: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    retired: tuple[str, ...]
    counts: dict[str, int]


def table_of(filename: str) -> str:
    """The table a file replaces, from its name (``bell_periods.csv`` → ``bell_periods``)."""
    stem = Path(filename).stem.lower()
    names = [spec.name for spec in FILES]
    if stem not in names:
        raise UnknownTableError(
            f"{filename}: name the file after the table it replaces, one of "
            + ", ".join(f"{name}.csv" for name in names)
        )
    return stem


def check_one_table(
    current: domain.Bundle, region_id: str, table: str, upload: Path
) -> BundleReport:
    """The stored data with one table replaced by the upload, checked as a whole."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_bundle_csv(region_part(current, region_id), root)
        shutil.copyfile(upload, root / f"{table}.csv")
        report = read_bundle(root)
    if report.bundle is None:
        return report
    return merged_for_region(current, report.bundle, region_id)


def table_changes(current: domain.Bundle, new: domain.Bundle, table: str) -> TableChanges:
    """The rows the table gains, changes and retires (by their natural key)."""
    before = _by_key(table, getattr(current, table))
    after = _by_key(table, getattr(new, table))
    added = [k for k in after if k not in before]
    retired = [k for k in before if k not in after]
    changed = [k for k in after if k in before and after[k] != before[k]]
    counts = {"added": len(added), "changed": len(changed), "retired": len(retired)}
    return TableChanges(
        table,
        tuple(added[:SHOWN]),
        tuple(changed[:SHOWN]),
        tuple(retired[:SHOWN]),
        counts,
    )


def other_tables_unchanged(current: domain.Bundle, new: domain.Bundle, table: str) -> bool:
    """Whether every table but one holds the same rows (in any order)."""
    for spec in FILES:
        if spec.name != table and _rows(getattr(current, spec.name)) != _rows(
            getattr(new, spec.name)
        ):
            return False
    return True


def _by_key(table: str, rows: tuple[Any, ...]) -> dict[str, Any]:
    return {_name(table, row): row for row in rows}


def _name(table: str, row: Any) -> str:
    """The row's natural key as text (the whole row for a table without one)."""
    try:
        return "/".join(str(part) for part in _key(table, row))
    except KeyError:
        return repr(row)


def _rows(rows: tuple[Any, ...]) -> list[str]:
    return sorted(repr(row) for row in rows)
