"""Test helpers: a writable copy of the small fixture bundle that tests corrupt cell by cell."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from coordinator.bundle import read_bundle

SMALL = Path(__file__).parents[1] / "data" / "bundles" / "small"


class BundleCopy:
    """A copy of a fixture bundle folder, with edits addressed as a spreadsheet shows them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, fixture: Path, into: Path) -> BundleCopy:
        return cls(Path(shutil.copytree(fixture, into / fixture.name)))

    def rows(self, name: str) -> list[list[str]]:
        content = (self.folder / f"{name}.csv").read_text(encoding="utf-8-sig")
        return list(csv.reader(io.StringIO(content, newline="")))

    def write_rows(self, name: str, rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (self.folder / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")

    def set_cell(self, name: str, line: int, column: str, value: str) -> None:
        """Put `value` in the cell at spreadsheet `line` (header = 1) under `column`."""
        rows = self.rows(name)
        rows[line - 1][rows[0].index(column)] = value
        self.write_rows(name, rows)

    def append(self, file: str, /, **cells: str) -> None:
        """Add a line with these cells (others blank) to `file`."""
        rows = self.rows(file)
        rows.append([cells.get(column, "") for column in rows[0]])
        self.write_rows(file, rows)

    def drop_column(self, name: str, column: str) -> None:
        rows = self.rows(name)
        index = rows[0].index(column)
        self.write_rows(name, [row[:index] + row[index + 1 :] for row in rows])

    def write_text(self, name: str, text: str) -> None:
        (self.folder / f"{name}.csv").write_text(text, encoding="utf-8")

    def delete(self, name: str) -> None:
        (self.folder / f"{name}.csv").unlink()

    def problems(self) -> list[str]:
        return [str(problem) for problem in read_bundle(self.folder).problems]
