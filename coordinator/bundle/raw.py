"""A raw cell as a CSV file or a workbook hands it over, and how it reads as text."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

Cell: TypeAlias = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

INVISIBLE = "\ufeff\u200b"
# Full-width ASCII forms (０-９, Ａ-Ｚ, ：, －, ～ …) as Chinese input methods type them, and the
# ideographic space: read as their plain forms where a cell holds numbers, days or times.
WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class CellError(ValueError):
    """A cell that cannot be read; the message names the bad value."""


def text(cell: Cell) -> str:
    """The cell as trimmed text; numbers lose Excel's `.0`, dates and times read as ISO."""
    if type(cell) is str:  # every CSV cell: the common case first
        return cell.strip().strip(INVISIBLE).strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, int | float):
        return repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, dt.time):
        return format_clock(cell)
    if isinstance(cell, dt.timedelta):
        return str(cell)
    return cell.strip().strip(INVISIBLE).strip()


def narrow(value: str) -> str:
    """`value` with full-width ASCII forms and the ideographic space made plain."""
    return value.translate(WIDE)


def format_clock(value: dt.time) -> str:
    """`HH:MM`, or `HH:MM:SS` when there are seconds."""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")
