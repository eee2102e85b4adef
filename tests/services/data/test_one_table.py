"""One corrected CSV table checked with the stored data: the same messages, only it changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.bundle import write_bundle_csv
from coordinator.services.data.one_table import (
    UnknownTableError,
    check_one_table,
    other_tables_unchanged,
    table_changes,
    table_of,
)
from tests.factories import small_bundle


def corrected(tmp_path: Path, table: str, old: str, new: str) -> Path:
    """A table as exported, with one line edited, saved as CSV UTF-8 (with a BOM, as Excel)."""
    folder = tmp_path / "export"
    write_bundle_csv(small_bundle(), folder)
    lines = (folder / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()
    assert old in lines
    edited = tmp_path / f"{table}.csv"
    edited.write_bytes("\r\n".join(new if ln == old else ln for ln in lines).encode("utf-8-sig"))
    return edited


def test_a_corrected_busy_block_changes_only_that_row_of_that_table(tmp_path: Path) -> None:
    current = small_bundle()
    old, new = "t-wang,1,08:00,09:30,本校课", "t-wang,1,08:00,10:30,本校课"
    upload = corrected(tmp_path, "busy_blocks", old, new)
    report = check_one_table(current, "xiao", table_of(upload.name), upload)
    assert report.ok, report.problems
    assert report.bundle is not None
    changes = table_changes(current, report.bundle, "busy_blocks")
    assert changes.counts == {"added": 0, "changed": 1, "retired": 0}
    assert changes.changed == ("t-wang/1/08:00:00",)
    assert other_tables_unchanged(current, report.bundle, "busy_blocks")


def test_a_bad_time_is_answered_with_file_line_and_column(tmp_path: Path) -> None:
    old, new = "t-wang,1,08:00,09:30,本校课", "t-wang,1,08:00,25:30,本校课"
    upload = corrected(tmp_path, "busy_blocks", old, new)
    report = check_one_table(small_bundle(), "xiao", "busy_blocks", upload)
    assert not report.ok
    [problem] = report.errors
    assert (problem.file, problem.line, problem.column) == ("busy_blocks.csv", 2, "end")


def test_a_file_not_named_after_a_table_is_refused() -> None:
    with pytest.raises(UnknownTableError, match=r"bells\.csv: name the file after the table"):
        table_of("bells.csv")
