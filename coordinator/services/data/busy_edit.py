"""A network teacher's busy blocks edited in place, checked exactly as an uploaded table.

The rows typed replace the teacher's blocks in ``busy_blocks.csv`` (first, so the typed row
n is line n + 1), the other teachers' blocks follow as stored, and the file goes through
``one_table``: the bundle reader's checks and messages, the region's rules, nothing written.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coordinator import domain
from coordinator.bundle import BundleReport
from coordinator.services.data.one_table import check_one_table
from coordinator.services.data.tenancy import region_part

TABLE = "busy_blocks"
COLUMNS = ("teacher_id", "weekdays", "start", "end", "note")


@dataclass(frozen=True, slots=True)
class TypedBlock:
    """One row of the form, as typed."""

    weekday: str
    start: str
    end: str
    note: str = ""

    @property
    def empty(self) -> bool:
        return not (self.start.strip() or self.end.strip() or self.note.strip())


def check_busy_edit(
    current: domain.Bundle, region_id: str, teacher_id: str, typed: list[TypedBlock]
) -> BundleReport:
    """The stored data with the teacher's busy blocks replaced by the typed rows, checked."""
    others = [b for b in region_part(current, region_id).busy_blocks if b.teacher_id != teacher_id]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{TABLE}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS)
            for row in typed:
                writer.writerow((teacher_id, row.weekday, row.start, row.end, row.note))
            for block in others:
                start, end = f"{block.start:%H:%M}", f"{block.end:%H:%M}"
                writer.writerow((block.teacher_id, block.weekday, start, end, block.note))
        return check_one_table(current, region_id, TABLE, path)
