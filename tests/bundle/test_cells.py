"""Tests of the cell parsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from coordinator.bundle import cells
from coordinator.bundle.cells import Cell, CellError
from coordinator.enums import SchoolKind


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" 3 ", 3),
        (3, 3),
        (3.0, 3),
        ("Mon", 1),
        ("sunday", 7),
        ("周三", 3),
        ("星期日", 7),
        ("周天", 7),
        ("礼拜五", 5),
    ],
)
def test_weekday_accepts_numbers_and_names(cell: Cell, expected: int) -> None:
    assert cells.weekday(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1-5", (1, 2, 3, 4, 5)),
        ("5;3;1", (1, 3, 5)),
        ("1；3、5|7", (1, 3, 5, 7)),
        ("周一至周五", (1, 2, 3, 4, 5)),
        ("Mon-Wed; Fri", (1, 2, 3, 5)),
        ("1-3;2-4", (1, 2, 3, 4)),
        (6, (6,)),
    ],
)
def test_weekdays_accepts_lists_and_ranges(cell: Cell, expected: tuple[int, ...]) -> None:
    assert cells.weekdays(cell) == expected


@pytest.mark.parametrize(
    ("parse", "cell", "message"),
    [
        (cells.weekday, "8", "'8' is not a weekday (1–7, Mon–Sun or 周一–周日)"),
        (cells.weekdays, "5-1", "weekday range '5-1' runs backwards"),
        (cells.weekdays, "1-3-5", "'1-3-5' is not a weekday or a range of them"),
        (
            cells.weekdays,
            dt.datetime(2026, 1, 5),  # noqa: DTZ001 - what openpyxl gives for a date cell
            "got the date 2026-01-05: Excel turned it into a date; "
            "format the column as Text and type it again",
        ),
        (cells.grade, "13", "grade 13 is outside 1–12"),
        (cells.grade, "三", "'三' is not a grade (1–12)"),
        (cells.grades, "0-3", "grade 0 is outside 1–12"),
        (cells.clock, "8:70", "'8:70' is not a clock time (HH:MM, 24-hour)"),
        (cells.clock, "24:00", "'24:00' is not a clock time (HH:MM, 24-hour)"),
        (cells.clock, "0820", "'0820' is not a clock time (HH:MM, 24-hour)"),
        (cells.date, "2026-02-30", "'2026-02-30' is not a date (YYYY-MM-DD)"),
        (cells.date, "10/1/2026", "'10/1/2026' is not a date (YYYY-MM-DD)"),
        (
            cells.date,
            123,
            "'123' is a number, not a date (nor Excel's number of a day in 1950–2099); "
            "type the date as YYYY-MM-DD or format the cell as a date",
        ),
        (cells.positive, "0", "0 is less than 1"),
        (cells.positive, "2.5", "'2.5' is not a whole number"),
        (cells.non_negative, 2.5, "'2.5' is not a whole number"),
        (cells.non_negative, True, "'yes' is not a whole number"),
        (cells.yes_no, "maybe", "'maybe' is not yes or no (yes/no, true/false, 1/0, 是/否)"),
        (
            cells.time_zone,
            "Asia/Beijing",
            "'Asia/Beijing' is not a known time zone (e.g. Asia/Shanghai)",
        ),
        (cells.phone, "138-abc", "'138-abc' is not a phone number (digits, + and -)"),
        (
            cells.phone,
            "1.38E+10",
            "'1.38E+10' is Excel's scientific notation, not a phone number; "
            "format the column as Text and type the number again",
        ),
        (cells.email, "wang.example.cn", "'wang.example.cn' is not an e-mail address"),
        (
            cells.link,
            "meet.example.cn/x",
            "'meet.example.cn/x' is not a web address (http:// or https://)",
        ),
        (
            cells.identifier,
            "u shiyan",
            "'u shiyan' is not a valid id (use letters, digits, _, - and .)",
        ),
        (cells.choice(SchoolKind), "city", "'city' is not one of: urban, rural"),
        (cells.free_text, "王\x00丽", "'王\\x00丽' holds the control character U+0000"),
    ],
)
def test_parser_rejects_bad_value(
    parse: Callable[[Cell], object], cell: Cell, message: str
) -> None:
    with pytest.raises(CellError) as raised:
        parse(cell)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("08:20", dt.time(8, 20)),
        ("8:20", dt.time(8, 20)),
        ("14：05", dt.time(14, 5)),
        ("8:20:30", dt.time(8, 20, 30)),
        (dt.time(8, 20), dt.time(8, 20)),
        (dt.datetime(1899, 12, 30, 8, 20), dt.time(8, 20)),  # noqa: DTZ001 - as openpyxl gives it
        (dt.timedelta(hours=8, minutes=20), dt.time(8, 20)),
        (0.5, dt.time(12, 0)),
    ],
)
def test_clock_accepts_text_and_excel_cells(cell: Cell, expected: dt.time) -> None:
    assert cells.clock(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "2026-10-01",
        "2026/10/1",
        "2026.10.01",
        "2026年10月1日",
        dt.date(2026, 10, 1),
        dt.datetime(2026, 10, 1),  # noqa: DTZ001 - as openpyxl gives a date cell
    ],
)
def test_date_accepts_iso_excel_and_chinese_forms(cell: Cell) -> None:
    assert cells.date(cell) == dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("是", True),
        (True, True),
        (1, True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("否", False),
        (False, False),
    ],
)
def test_yes_no_accepts_every_spelling(cell: Cell, expected: bool) -> None:
    assert cells.yes_no(cell) is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("7-9", (7, 8, 9)), ("3;4", (3, 4)), ("1~3、6", (1, 2, 3, 6)), (4.0, (4,))],
)
def test_grades_accepts_lists_and_ranges(cell: Cell, expected: tuple[int, ...]) -> None:
    assert cells.grades(cell) == expected


def test_identifiers_keeps_order_and_drops_repeats() -> None:
    assert cells.identifiers("music; art；music、english") == ("music", "art", "english")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (13800000001.0, "13800000001"),
        (13800000001, "13800000001"),
        ("+86 138-0000-0001", "+86 138-0000-0001"),
    ],
)
def test_phone_accepts_number_cells_and_separators(cell: Cell, expected: str) -> None:
    assert cells.phone(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("\ufeff id \u3000", "id"),
        (3.0, "3"),
        (2.5, "2.5"),
        (None, ""),
        (dt.datetime(2026, 1, 5), "2026-01-05"),  # noqa: DTZ001 - as openpyxl gives a date cell
        (dt.time(8, 5), "08:05"),
    ],
)
def test_text_normalises_spaces_numbers_and_dates(cell: Cell, expected: str) -> None:
    assert cells.text(cell) == expected


def test_time_zone_accepts_iana_names() -> None:
    assert cells.time_zone("Asia/Urumqi") == "Asia/Urumqi"


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [((1, 2, 3, 4, 5), "1-5"), ((1, 3, 5), "1;3;5"), ((3,), "3"), ((3, 4), "3-4"), ((), "")],
)
def test_format_numbers_is_compact(numbers: tuple[int, ...], expected: str) -> None:
    assert cells.format_numbers(numbers) == expected


def test_free_text_keeps_line_breaks_inside_a_cell() -> None:
    assert cells.free_text(" 青山县\r\n（山区） ") == "青山县\r\n（山区）"
