"""Cell parsers: one raw CSV or XLSX cell in, one typed value out, or a CellError that names it.

A raw cell is text from a CSV file, or whatever openpyxl hands back from a workbook: text,
numbers (Excel stores 3 as 3.0), booleans, dates, datetimes, times and durations.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from coordinator.bundle.clocks import clock as clock
from coordinator.bundle.clocks import date as date
from coordinator.bundle.clocks import time_of_day as time_of_day
from coordinator.bundle.raw import Cell as Cell
from coordinator.bundle.raw import CellError as CellError
from coordinator.bundle.raw import format_clock as format_clock
from coordinator.bundle.raw import narrow
from coordinator.bundle.raw import text as text

E = TypeVar("E", bound=StrEnum)

LIST_SEPARATORS = re.compile(r"[;；、|,，]")
NUMBER_LIST_SEPARATORS = re.compile(r"[;；、|,，\s]+")  # spaces too: `周一 周三`
RANGE_SEPARATORS = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")
ID_PATTERN = re.compile(r"[A-Za-z0-9_.\-]+")
PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 \-]*[0-9]")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
EXCEL_DATE_PATTERN = re.compile(
    r"\d{4}/\d{1,2}/\d{1,2}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-[A-Za-z]{3}|\d{1,2}月\d{1,2}日"
)
SCIENTIFIC_PATTERN = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
YES = frozenset({"yes", "y", "true", "1", "是"})
NO = frozenset({"no", "n", "false", "0", "否"})
WEEKDAY_NAMES = {
    **{str(number): number for number in range(1, 8)},
    **{
        name: number
        for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 1)
    },
    **{
        name: number
        for number, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), 1
        )
    },
    **{
        prefix + name: number
        for prefix in ("周", "星期", "礼拜")
        for number, name in enumerate("一二三四五六日", 1)
    },
    **{name: number for number, name in enumerate("一二三四五六日", 1)},  # 一至五
    "周天": 7,
    "星期天": 7,
    "礼拜天": 7,
    "天": 7,
}
MIN_GRADE = 1
MAX_GRADE = 12
NAME_LIMIT = 100
TITLE_LIMIT = 200
NOTE_LIMIT = 2000
UNSAFE_CATEGORIES = {
    "Cc": "control character",
    "Cf": "invisible formatting character",
    "Cs": "lone surrogate",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}
UNSAFE_NAMES = {
    "\n": "line break",
    "\r": "line break",
    "\t": "tab",
    **{chr(code): "bidi override" for code in range(0x202A, 0x202F)},
    **{chr(code): "bidi isolate" for code in range(0x2066, 0x206A)},
    **{chr(code): "zero-width character" for code in (0x200B, 0x200C, 0x200D, 0xFEFF)},
}
DATE_HINT = "Excel turned it into a date; format the column as Text and type it again"


def free_text(cell: Cell, limit: int = NOTE_LIMIT) -> str:
    """Text such as a note or a meta value: NFC-normalised and trimmed, line breaks and tabs
    kept; control, bidi-override and zero-width characters are refused, and so is text
    longer than `limit` characters."""
    value = unicodedata.normalize("NFC", text(cell))
    _refuse_unsafe(value, allowed="\t\n\r")
    if len(value) > limit:
        raise CellError(f"{value[:20]!r}… is {len(value)} characters long (at most {limit})")
    return value


def name(cell: Cell) -> str:
    """A name (of a school, classroom, person or day): one line of at most NAME_LIMIT
    characters. NFC keeps full-width Chinese punctuation such as （） as typed (NFKC would
    turn it into ASCII), so names read and sort as people wrote them."""
    return _one_line(cell, NAME_LIMIT)


def title(cell: Cell) -> str:
    """A title (of a training, 教研 or parent class): one line of at most TITLE_LIMIT
    characters."""
    return _one_line(cell, TITLE_LIMIT)


def _one_line(cell: Cell, limit: int) -> str:
    value = unicodedata.normalize("NFC", text(cell))
    _refuse_unsafe(value, allowed="")
    if len(value) > limit:
        raise CellError(f"{value[:20]!r}… is {len(value)} characters long (at most {limit})")
    return value


def _refuse_unsafe(value: str, allowed: str) -> None:
    """Raise for the first character that is not visible text: a control character (a line
    break, unless allowed), a bidi override or isolate, a zero-width character, a line or
    paragraph separator, or half of a surrogate pair."""
    for char in value:
        if char in allowed:
            continue
        kind = unicodedata.category(char)
        if kind in UNSAFE_CATEGORIES:
            what = UNSAFE_NAMES.get(char) or UNSAFE_CATEGORIES[kind]
            shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
            raise CellError(f"{shown!r} holds the {what} U+{ord(char):04X}")


def is_blank(cell: Cell) -> bool:
    """Whether the cell holds nothing but spaces."""
    return text(cell) == ""


def identifier(cell: Cell) -> str:
    """An id: letters, digits, `_`, `-` and `.`."""
    value = text(cell)
    if not ID_PATTERN.fullmatch(value):
        raise CellError(f"{value!r} is not a valid id (use letters, digits, _, - and .)")
    return value


def identifiers(cell: Cell) -> tuple[str, ...]:
    """A list of ids, duplicates dropped, order kept."""
    values: list[str] = []
    for part in split_list(cell):
        value = identifier(part)
        if value not in values:
            values.append(value)
    return tuple(values)


def whole_number(cell: Cell, minimum: int | None = None) -> int:
    """A whole number, at least `minimum` when given."""
    if isinstance(cell, bool) or not isinstance(cell, str | int | float):
        raise CellError(f"{text(cell)!r} is not a whole number")
    value = text(cell)
    try:
        number = int(value)
    except ValueError:
        raise CellError(f"{value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise CellError(f"{number} is less than {minimum}")
    return number


def positive(cell: Cell) -> int:
    """A whole number ≥ 1."""
    return whole_number(cell, minimum=1)


def non_negative(cell: Cell) -> int:
    """A whole number ≥ 0."""
    return whole_number(cell, minimum=0)


def weekday(cell: Cell) -> int:
    """One weekday: 1–7 (Monday = 1), Mon…Sun, 周一…周日 or 星期一…星期日."""
    reject_date(cell)
    value = text(cell)
    number = WEEKDAY_NAMES.get(narrow(value).casefold())
    if number is None:
        raise CellError(f"{value!r} is not a weekday (1–7, Mon–Sun or 周一–周日)")
    return number


def weekdays(cell: Cell) -> tuple[int, ...]:
    """One weekday, a list (`1;3;5`) or a range (`1-5`), in ascending order."""
    return number_set(cell, weekday, "weekday")


def grade(cell: Cell) -> int:
    """A school grade, 1–12."""
    reject_date(cell)
    value = text(cell)
    try:
        number = int(narrow(value))
    except ValueError:
        raise CellError(f"{value!r} is not a grade (1–12)") from None
    if not MIN_GRADE <= number <= MAX_GRADE:
        raise CellError(f"grade {number} is outside 1–12")
    return number


def grades(cell: Cell) -> tuple[int, ...]:
    """One grade, a list (`3;4`) or a range (`7-9`), in ascending order."""
    return number_set(cell, grade, "grade")


def number_set(cell: Cell, one: Callable[[Cell], int], what: str) -> tuple[int, ...]:
    """Numbers from a list of single values and ranges, ascending, each once."""
    reject_date(cell)
    numbers: set[int] = set()
    joined = RANGE_SEPARATORS.sub(lambda match: match.group().strip(), narrow(text(cell)))
    for part in (part for part in NUMBER_LIST_SEPARATORS.split(joined) if part):
        bounds = RANGE_SEPARATORS.split(part)
        if len(bounds) == 1:
            numbers.add(one(part))
        elif len(bounds) == 2:
            first, last = one(bounds[0]), one(bounds[1])
            if first > last:
                raise CellError(f"{what} range {part!r} runs backwards")
            numbers.update(range(first, last + 1))
        else:
            raise CellError(f"{part!r} is not a {what} or a range of them")
    return tuple(sorted(numbers))


def split_list(cell: Cell) -> list[str]:
    """The parts of a list cell, separated by `;`, `；`, `、`, `|` or commas; blanks dropped."""
    parts = [part.strip() for part in LIST_SEPARATORS.split(text(cell))]
    return [part for part in parts if part]


def yes_no(cell: Cell) -> bool:
    """Yes or no: yes/no, true/false, 1/0, 是/否, y/n (any case), or an Excel boolean."""
    if isinstance(cell, bool):
        return cell
    value = text(cell)
    if value.casefold() in YES:
        return True
    if value.casefold() in NO:
        return False
    raise CellError(f"{value!r} is not yes or no (yes/no, true/false, 1/0, 是/否)")


def choice(kind: type[E]) -> Callable[[Cell], E]:
    """A parser for one value of the closed vocabulary `kind` (any case)."""

    def parse(cell: Cell) -> E:
        value = text(cell)
        for member in kind:
            if member.value == value.casefold():
                return member
        allowed = ", ".join(member.value for member in kind)
        raise CellError(f"{value!r} is not one of: {allowed}")

    return parse


def time_zone(cell: Cell) -> str:
    """An IANA time zone name such as `Asia/Shanghai`."""
    value = text(cell)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise CellError(f"{value!r} is not a known time zone (e.g. Asia/Shanghai)") from None
    return value


def phone(cell: Cell) -> str:
    """A phone number: digits, `+`, `-` and spaces; a number cell works too."""
    value = text(cell)
    if SCIENTIFIC_PATTERN.fullmatch(value):
        raise CellError(
            f"{value!r} is Excel's scientific notation, not a phone number; "
            "format the column as Text and type the number again"
        )
    if not PHONE_PATTERN.fullmatch(value):
        raise CellError(f"{value!r} is not a phone number (digits, + and -)")
    return value


def email(cell: Cell) -> str:
    """An e-mail address."""
    value = text(cell)
    if not EMAIL_PATTERN.fullmatch(value):
        raise CellError(f"{value!r} is not an e-mail address")
    return value


def link(cell: Cell) -> str:
    """A web address starting with http:// or https://."""
    value = text(cell)
    parts = urlsplit(value)
    hidden = any(
        char.isspace() or unicodedata.category(char) in UNSAFE_CATEGORIES for char in value
    )
    if parts.scheme not in {"http", "https"} or not parts.netloc or hidden:
        raise CellError(f"{value!r} is not a web address (http:// or https://)")
    return value


def reject_date(cell: Cell) -> None:
    """Refuse a date where Excel has turned a range such as `1-5` into one (cell or export)."""
    if isinstance(cell, dt.date | dt.datetime) or EXCEL_DATE_PATTERN.fullmatch(text(cell)):
        raise CellError(f"got the date {text(cell)}: {DATE_HINT}")


def format_numbers(numbers: tuple[int, ...]) -> str:
    """Compact form of ascending numbers: `1-5` for a run, else `1;3;5`."""
    if len(numbers) > 1 and list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ";".join(str(number) for number in numbers)
