"""Urban schools' own timetables read as busy blocks: an Excel 课程表 grid (`grid`), an aSc
Timetables XML export (`asc`), a FET `.fet` file (`fet`); `entries` holds what they share and
maps the teachers they name to the bundle's network teachers."""

from coordinator.bundle.timetables.entries import Entry, TimetableRead, map_teachers
from coordinator.bundle.timetables.reading import read_timetable

__all__ = ["Entry", "TimetableRead", "map_teachers", "read_timetable"]
