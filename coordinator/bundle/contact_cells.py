"""Cells that say how to reach a person: WeCom and DingTalk user ids, quiet hours."""

from __future__ import annotations

import re

from coordinator.bundle.cells import Cell, CellError, clock, format_clock, text

ACCOUNT_PATTERN = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
RANGE_PATTERN = re.compile(r"\s*(\d{1,2}:\d{2})\s*[-–~～至]\s*(\d{1,2}:\d{2})\s*")


def account(cell: Cell) -> str:
    """A WeCom or DingTalk userid (通讯录 账号): letters, digits, `_ . @ -`, at most 64."""
    value = text(cell)
    if not ACCOUNT_PATTERN.fullmatch(value):
        raise CellError(
            f"{value!r} is not a WeCom/DingTalk userid (letters, digits, _ . @ -; at most 64)"
        )
    return value


def quiet_hours(cell: Cell) -> str:
    """Hours without messages, `22:00-07:00` (may pass midnight), written back as HH:MM-HH:MM."""
    value = text(cell)
    found = RANGE_PATTERN.fullmatch(value)
    if found is None:
        raise CellError(f"{value!r} is not a time range such as 22:00-07:00")
    start, end = clock(found.group(1)), clock(found.group(2))
    if start == end:
        raise CellError(f"{value!r} starts and ends at the same time")
    return f"{format_clock(start)}-{format_clock(end)}"
