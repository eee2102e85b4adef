"""Which timetable reader a file needs, with the bundle reader's caps and XML defences."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from python_calamine import CalamineError, CalamineWorkbook

from coordinator.bundle.limits import ReadLimits, megabytes
from coordinator.bundle.problems import error
from coordinator.bundle.timetables.asc import read_asc
from coordinator.bundle.timetables.entries import TimetableRead
from coordinator.bundle.timetables.fet import read_fet
from coordinator.bundle.timetables.grid import PeriodTimes, read_grid_sheet
from coordinator.bundle.workbooks import WORKBOOK_SUFFIXES, refusal, sheet_lines, sheet_too_big


def read_timetable(path: Path, limits: ReadLimits, period_times: PeriodTimes) -> TimetableRead:
    """The entries of an Excel grid (.xlsx/.xls/.ods), an aSc XML export or a FET file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return refused(path.name, "no such file")
    if suffix in WORKBOOK_SUFFIXES:
        return read_grid(path, limits, period_times)
    if suffix not in {".xml", ".fet"}:
        return refused(path.name, "is not a timetable file (.xlsx, .xls, .ods, aSc .xml, .fet)")
    if path.stat().st_size > limits.max_file_bytes:
        size, cap = megabytes(path.stat().st_size), megabytes(limits.max_file_bytes)
        return refused(path.name, f"is {size}, more than the {cap} allowed for one file")
    try:
        root = SafeET.parse(path).getroot()
    except DefusedXmlException:
        return refused(path.name, "declares XML entities or a DTD; export the file again")
    except SafeET.ParseError as exc:
        return refused(path.name, f"is not well-formed XML ({exc}); export the file again")
    if root.tag == "fet":
        return read_fet(path.name, root)
    if root.tag == "timetable":
        return read_asc(path.name, root)
    return refused(path.name, f"is XML of another kind (<{root.tag}>), not aSc or FET")


def read_grid(path: Path, limits: ReadLimits, period_times: PeriodTimes) -> TimetableRead:
    read = TimetableRead("Excel timetable grid")
    problem = refusal(path, path.suffix.lower(), limits)
    if problem is not None:
        read.problems.append(error(path.name, None, None, problem))
        return read
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            for title in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(title)
                too_big = sheet_too_big(sheet, limits)
                if too_big:
                    read.problems.append(error(title, None, None, too_big))
                    continue
                lines = sheet_lines(title, sheet, [], across="ignore")
                read_grid_sheet(title, lines, period_times, read)
        finally:
            workbook.close()
    except (CalamineError, ValueError, OSError, OverflowError) as exc:
        read.problems.append(error(path.name, None, None, f"is not a readable workbook: {exc}"))
    return read


def refused(file: str, message: str) -> TimetableRead:
    return TimetableRead("", problems=[error(file, None, None, message)])
