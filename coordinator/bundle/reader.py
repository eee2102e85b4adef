"""Reading a data bundle: sources, then rows, then checks, into a Bundle or a list of problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from coordinator.bundle.calendar_checks import check_calendar
from coordinator.bundle.keys import check_keys, check_references
from coordinator.bundle.limits import DEFAULT_LIMITS, ReadLimits
from coordinator.bundle.loading import is_workbook, load_source
from coordinator.bundle.meta import read_meta
from coordinator.bundle.parsed import Parsed
from coordinator.bundle.problems import BundleReport, Problem, error, warning
from coordinator.bundle.rows import did_you_mean, parse_table
from coordinator.bundle.schema import ALL_FILES, FILES
from coordinator.bundle.sources import Source
from coordinator.bundle.teaching_checks import check_teaching
from coordinator.bundle.time_checks import check_times
from coordinator.domain import Bundle


def read_bundle(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> BundleReport:
    """Read and validate the bundle at `path` (a folder of CSV files or a workbook)."""
    source = load_source(path, limits)
    if not source.opened:
        return BundleReport(None, source.problems, source.read_as)
    suffix = "" if is_workbook(path) else ".csv"
    problems: list[Problem] = []
    missing = check_files(source, suffix, problems)
    parsed = Parsed({}, suffix, source.unreadable | missing)
    for spec in ALL_FILES:
        table = source.tables.get(spec.name)
        if table is None:
            continue
        parsed.tables[spec.name] = parse_table(spec, table, problems)
        if "id" in spec.column_names and "id" not in table.columns:
            parsed.broken.add(spec.name)
    check_keys(parsed, problems)
    check_references(parsed, problems)
    check_times(parsed, problems)
    check_calendar(parsed, problems)
    check_teaching(parsed, problems)
    name, anchor_date = read_meta(parsed, problems)
    problems = sort_problems(problems, suffix)
    if any(problem.severity == "error" for problem in problems):
        return BundleReport(None, problems, source.read_as)
    return BundleReport(assemble(parsed, name, anchor_date, str(path)), problems, source.read_as)


def check_files(source: Source, suffix: str, problems: list[Problem]) -> set[str]:
    """Keep the problems of known files, warn about unknown ones, report missing required ones.

    Returns the names of the missing required files.
    """
    known = [spec.name for spec in ALL_FILES]
    endings = (suffix, ".txt") if suffix else ("",)
    known_files = {f"{name}{ending}" for name in known for ending in endings}
    problems.extend(problem for problem in source.problems if problem.file in known_files)
    for name in sorted((set(source.tables) | source.unreadable) - set(known)):
        message = "unknown file, ignored" + did_you_mean(name, known)
        problems.append(warning(f"{name}{suffix}", None, None, message))
    missing = {
        spec.name
        for spec in FILES
        if spec.required and spec.name not in source.tables and spec.name not in source.unreadable
    }
    for name in sorted(missing, key=known.index):
        problems.append(error(f"{name}{suffix}", None, None, "required file is missing"))
    return missing


def sort_problems(problems: list[Problem], suffix: str) -> list[Problem]:
    """Problems in the order of the files in the documentation, then by line."""
    rank = {f"{spec.name}{suffix}": index for index, spec in enumerate(ALL_FILES)}
    rank.update({f"{spec.name}.txt": index for index, spec in enumerate(ALL_FILES)})
    return sorted(problems, key=lambda problem: (rank.get(problem.file, -1), problem.line or 0))


def assemble(parsed: Parsed, name: str, anchor_date: dt.date | None, source: str) -> Bundle:
    """The Bundle of every object built, in file and line order."""
    tables: dict[str, Any] = {
        spec.name: tuple(
            item
            for row in (parsed.tables[spec.name].rows if spec.name in parsed.tables else [])
            for item in row.objects
        )
        for spec in FILES
    }
    return Bundle(name=name, anchor_date=anchor_date, source=source, **tables)
