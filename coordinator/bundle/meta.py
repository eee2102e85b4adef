"""meta.csv: the bundle's name and anchor date, read from key-value lines."""

from __future__ import annotations

import datetime as dt

from coordinator.bundle import cells
from coordinator.bundle.cells import CellError
from coordinator.bundle.parsed import Parsed
from coordinator.bundle.problems import Problem, error
from coordinator.bundle.rows import did_you_mean
from coordinator.bundle.schema import MetaEntry

KEYS = ("name", "anchor_date")


def read_meta(parsed: Parsed, problems: list[Problem]) -> tuple[str, dt.date | None]:
    """The bundle's name and anchor date; unknown keys and bad dates go to `problems`."""
    name = ""
    anchor_date: dt.date | None = None
    file = parsed.file("meta")
    for line, entry in parsed.objects("meta", MetaEntry):
        if entry.key == "name":
            name = entry.value
        elif entry.key == "anchor_date":
            try:
                anchor_date = cells.date(entry.value)
            except CellError as exc:
                problems.append(error(file, line, "value", str(exc)))
        else:
            message = f"unknown key {entry.key!r} (use name or anchor_date)"
            problems.append(error(file, line, "key", message + did_you_mean(entry.key, KEYS)))
    return name, anchor_date
