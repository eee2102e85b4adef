"""Urban timetables in: a teacher's own school timetable previewed as busy blocks, then stored.

Storing replaces the busy blocks of the teachers the file names (others keep theirs), and the
whole data is checked by the bundle reader before one all-or-nothing import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coordinator import domain
from coordinator.bundle import BundleReport, ReadLimits, read_bundle, write_bundle_csv
from coordinator.bundle.problems import Problem
from coordinator.bundle.timetables import map_teachers, read_timetable
from coordinator.bundle.timetables.entries import normal
from coordinator.bundle.timetables.grid import PeriodTimes
from coordinator.services.data.imports import ImportSummary, import_bundle, load_bundle
from coordinator.store import Store


@dataclass(slots=True)
class TimetablePreview:
    """What a timetable file would store: its kind, busy blocks by teacher, its problems."""

    file: str
    kind: str
    blocks: list[domain.BusyBlock] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.blocks) and not any(p.severity == "error" for p in self.problems)

    @property
    def teachers(self) -> list[str]:
        return sorted({block.teacher_id for block in self.blocks})


def preview_timetable(path: Path, bundle: domain.Bundle, limits: ReadLimits) -> TimetablePreview:
    """Read the file and map its teachers (blocking: run it in a thread from the server)."""
    read = read_timetable(path, limits, bell_times(bundle))
    blocks, problems = map_teachers(read, path.name, bundle.network_teachers)
    return TimetablePreview(path.name, read.kind, blocks, [*read.problems, *problems])


def bell_times(
    bundle: domain.Bundle,
) -> PeriodTimes:
    """Bell times by (teacher id or name, weekday, period number), from the teacher's school."""
    schedule_of = {school.id: school.bell_schedule_id for school in bundle.schools}
    teachers = {teacher.id: teacher.school_id for teacher in bundle.network_teachers}
    teachers.update({normal(t.name): t.school_id for t in bundle.network_teachers})
    periods = {
        (period.bell_schedule_id, period.weekday, period.period): (period.start, period.end)
        for period in bundle.bell_periods
    }

    def times(teacher: str, weekday: int, period: int) -> tuple[dt.time, dt.time] | None:
        school = teachers.get(teacher) or teachers.get(normal(teacher))
        schedule = schedule_of.get(school or "")
        return periods.get((schedule or "", weekday, period))

    return times


def with_blocks(bundle: domain.Bundle, preview: TimetablePreview) -> BundleReport:
    """The bundle with the previewed teachers' busy blocks replaced, checked as a whole."""
    named = set(preview.teachers)
    kept = tuple(block for block in bundle.busy_blocks if block.teacher_id not in named)
    changed = dataclasses.replace(bundle, busy_blocks=(*kept, *preview.blocks))
    with tempfile.TemporaryDirectory() as folder:
        write_bundle_csv(changed, Path(folder))
        return read_bundle(Path(folder))


async def store_timetable(
    store: Store, preview: TimetablePreview, *, now: dt.datetime
) -> tuple[BundleReport, ImportSummary | None]:
    """Import the previewed blocks all or nothing; nothing is written when any check fails."""
    report = with_blocks(await load_bundle(store), preview)
    if report.bundle is None:
        return report, None
    source = f"timetable {preview.file}"
    return report, await import_bundle(store, report.bundle, source=source, now=now)
