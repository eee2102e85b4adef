"""Clock times and dates as Chinese Office writes them: 上午/下午, serial numbers, fractions."""

from __future__ import annotations

import datetime as dt
import re

from coordinator.bundle.raw import Cell, CellError, narrow, text

CLOCK_PATTERN = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
DATE_PATTERN = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?")
FRACTION_PATTERN = re.compile(r"0?\.\d+|0")
SERIAL_PATTERN = re.compile(r"\d{5}(?:\.0+)?")
# Half-day words before a time (上午8:50, 下午2:00) and AM/PM after it (2:00 PM).
MORNING = ("上午", "早上", "早晨", "凌晨")
AFTERNOON = ("下午", "晚上", "傍晚")
NOON = "中午"
SECONDS_PER_DAY = 86_400
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's 1900 leap day is past
FIRST_SERIAL = 18_264  # 1950-01-01
LAST_SERIAL = 73_050  # 2099-12-31
CLOCK_HINT = "HH:MM, 24-hour"


def clock(cell: Cell) -> dt.time:
    """A clock time: `HH:MM` (24-hour, seconds allowed), `上午8:50` / `下午2:00`, `2:00 PM`,
    an Excel time cell, or a fraction of a day (`0.375` is 09:00) as Excel exports it."""
    if isinstance(cell, dt.datetime):
        return cell.time()
    if isinstance(cell, dt.time):
        return cell
    if isinstance(cell, dt.timedelta) and dt.timedelta(0) <= cell < dt.timedelta(days=1):
        return time_of_day(round(cell.total_seconds()))
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 0 <= cell < 1:
        return time_of_day(round(cell * SECONDS_PER_DAY))  # an Excel time without a format
    value = text(cell)
    plain = narrow(value).replace(" ", "")
    if FRACTION_PATTERN.fullmatch(plain):
        return time_of_day(round(float(plain) * SECONDS_PER_DAY))
    try:
        return half_day_clock(plain)
    except ValueError:
        raise CellError(f"{value!r} is not a clock time ({CLOCK_HINT})") from None


def half_day_clock(value: str) -> dt.time:
    """`8:50`, or with a half-day word before or AM/PM after; ValueError otherwise."""
    shift = None
    for words, kind in ((MORNING, "am"), (AFTERNOON, "pm"), ((NOON,), "noon")):
        for word in words:
            if value.startswith(word):
                value, shift = value[len(word) :], kind
    upper = value.upper()
    for suffix, kind in (("AM", "am"), ("PM", "pm")):
        if upper.endswith(suffix) and shift is None:
            value, shift = value[: -len(suffix)], kind
    match = CLOCK_PATTERN.fullmatch(value)
    if match is None:
        raise ValueError
    hour, minute, second = (int(part or 0) for part in match.groups())
    if shift is not None and not 1 <= hour <= 12:
        raise ValueError  # 下午14:00 says the half day twice and disagrees with itself
    if shift == "am" and hour == 12:
        hour = 0
    elif (shift == "pm" and hour < 12) or (shift == "noon" and hour < 6):
        hour += 12
    return dt.time(hour, minute, second)


def time_of_day(seconds: int) -> dt.time:
    """The clock time `seconds` after midnight (at most 23:59:59)."""
    seconds = min(seconds, SECONDS_PER_DAY - 1)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def date(cell: Cell) -> dt.date:
    """A date: `YYYY-MM-DD`, `YYYY/M/D`, `YYYY年M月D日`, an Excel date cell, or Excel's serial
    number of a day (46266 is 2026-09-01) as a CSV export or a General cell shows it."""
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise CellError(f"{text(cell)!r} is a date and time; give the date only")
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    value = text(cell)
    plain = narrow(value)
    if (isinstance(cell, int | float) and not isinstance(cell, bool)) or plain.isdigit():
        return serial_date(value, plain)
    match = DATE_PATTERN.fullmatch(plain)
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def serial_date(value: str, plain: str) -> dt.date:
    """The day Excel numbers `plain` (1950–2099), or a CellError saying what to type."""
    if SERIAL_PATTERN.fullmatch(plain) and FIRST_SERIAL <= float(plain) <= LAST_SERIAL:
        return EXCEL_EPOCH + dt.timedelta(days=int(float(plain)))
    raise CellError(
        f"{value!r} is a number, not a date (nor Excel's number of a day in 1950–2099); "
        "type the date as YYYY-MM-DD or format the cell as a date"
    )
