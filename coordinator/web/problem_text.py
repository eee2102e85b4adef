"""A data bundle's problems in the reader's language.

The bundle checks (pure, shared with the CLI) write their problems in English with the values
quoted; a page shows them through the catalogs instead. Each known message shape is a pattern
whose named parts (the value, a number, a line) are kept as they are and put into the
translated sentence; a message of no known shape is shown as it came.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from coordinator.bundle.problems import Problem


def N_(message: str) -> str:  # marks a message for extraction
    return message


# The messages the bundle checks write, as msgids: each is the English sentence with its parts
# named, so the same text is both the pattern that finds a message and the key of its
# translation.
TEMPLATES = [
    N_("%(value)s is not a clock time (HH:MM, 24-hour)"),
    N_("%(value)s is not a whole number"),
    N_("%(value)s is less than %(least)s"),
    N_("%(value)s is not a weekday (1–7, Mon–Sun or 周一–周日)"),
    N_("%(value)s is not a grade (1–12)"),
    N_("grade %(value)s is outside 1–12"),
    N_("%(value)s is not a valid id (use letters, digits, _, - and .)"),
    N_("%(value)s is not yes or no (yes/no, true/false, 1/0, 是/否)"),
    N_("%(value)s is not one of: %(allowed)s"),
    N_("%(value)s is not a date (YYYY-MM-DD)"),
    N_("%(value)s is not a known time zone (e.g. Asia/Shanghai)"),
    N_("%(value)s is not a phone number (digits, + and -)"),
    N_("%(value)s is not an e-mail address"),
    N_("%(value)s is not a web address (http:// or https://)"),
    N_("%(value)s is not an id in %(file)s"),
    N_("is empty but required"),
    N_("required column is missing"),
    N_("required file is missing"),
    N_("unknown column"),
    N_("duplicate %(column)s %(value)s (first on line %(line)s)"),
    N_("same %(columns)s as line %(line)s"),
    N_("end %(end)s is not after start %(start)s"),
    N_("end %(end)s is before start %(start)s"),
    N_("overlaps the busy block on line %(line)s (%(days)s)"),
    N_("overlaps the period on line %(line)s (%(days)s)"),
    N_("period number already used on line %(line)s (%(days)s)"),
    # calendar_checks
    N_("term %(term)s overlaps term %(other)s on line %(line)s"),
    N_("%(date)s lies outside every term"),
    N_("%(date)s lies outside every term of region %(region)s"),
    N_("a makeup day needs the weekday whose timetable it follows"),
    N_("only makeup days follow another weekday; this day's kind is %(kind)s"),
    N_("%(date)s is a %(weekday)s; a makeup day is normally a Saturday or Sunday"),
    N_("give region_id or school_id, not both"),
    # cells, clocks, contact_cells
    N_("%(value)s… is %(length)s characters long (at most %(limit)s)"),
    N_("%(value)s holds the %(what)s U+%(code)s"),
    N_("%(what)s range %(value)s runs backwards"),
    N_("%(value)s is not a %(what)s or a range of them"),
    N_(
        "%(value)s is Excel's scientific notation, not a phone number; format the column as "
        "Text and type the number again"
    ),
    N_("got the date %(value)s: %(hint)s"),
    N_("%(value)s is a date and time; give the date only"),
    N_(
        "%(value)s is a number, not a date (nor Excel's number of a day in 1950–2099); type "
        "the date as YYYY-MM-DD or format the cell as a date"
    ),
    N_("%(value)s is not a WeCom/DingTalk userid (letters, digits, _ . @ -; at most 64)"),
    N_("%(value)s is not a time range such as 22:00-07:00"),
    N_("%(value)s starts and ends at the same time"),
    # loading, convert, encodings, meta, reader
    N_("no such file or folder"),
    N_("no such file"),
    N_("is one CSV file; give the folder that holds all the bundle's CSV files"),
    N_("is not a workbook Excel can open; save it as Excel Workbook (.xlsx)"),
    N_("is neither a folder of CSV files nor a workbook (.xlsx, .xls, .ods)"),
    N_("is a folder; cannot write a workbook here"),
    N_("is a file; give a folder for CSV files or a path ending in .xlsx"),
    N_(
        "is neither UTF-8, GBK/GB18030 nor UTF-16 text (byte 0x%(byte)s on this line); save "
        "it from Excel or WPS as 'CSV UTF-8 (comma delimited)'"
    ),
    N_("is not valid %(encoding)s text (a bad byte on this line)"),
    N_("unknown key %(key)s (use name or anchor_date)"),
    N_("unknown file, ignored"),
    # sources, workbooks, packed
    N_("has %(lines)s lines, more than the %(limit)s allowed in one file; split it"),
    N_("has more than the %(limit)s lines allowed in one file; split it"),
    N_("has %(lines)s lines, more than the %(limit)s allowed in one sheet; split it"),
    N_(
        "has %(columns)s columns, more than the %(limit)s allowed in one sheet; delete the "
        "empty columns at its right"
    ),
    N_(
        "is %(size)s, more than the %(limit)s allowed for one file; split the data into "
        "smaller files"
    ),
    N_("is %(size)s, more than the %(limit)s allowed for one file"),
    N_("cannot be read: %(reason)s"),
    N_("appears twice in the header (columns %(first)s and %(again)s)"),
    N_("is empty; it needs a header line"),
    N_("value %(value)s in column %(letter)s has no column name above it"),
    N_("repeats the header line"),
    N_("columns are separated by %(what)s; %(hint)s"),
    N_("is not valid CSV: %(reason)s"),
    N_(
        "is not a readable workbook: %(reason)s; open it in Excel or WPS and save it again as "
        "Excel Workbook (.xlsx)"
    ),
    N_("is not a readable workbook: %(reason)s"),
    N_(
        "cells %(cells)s are merged across columns, so it is unclear which column the value "
        "belongs to; unmerge them and type the value in each cell"
    ),
    N_("cannot be unpacked (%(reason)s)"),
    N_(
        "would unpack to %(size)s, more than the %(limit)s allowed; split the data into "
        "smaller files"
    ),
    N_(
        "part %(part)s is packed %(ratio)s times (a zip bomb?); save the file again from "
        "Excel or WPS"
    ),
    N_("part %(part)s is larger than its zip entry says"),
    N_(
        "part %(part)s declares XML entities, which a spreadsheet never does; save the file "
        "again from Excel or WPS"
    ),
    # teaching_checks, time_checks
    N_("home school %(school)s is %(kind)s, not urban"),
    N_("school %(school)s is urban; receiving classrooms are in rural schools"),
    N_("assistant %(assistant)s works at %(school)s, not at %(classroom_school)s"),
    N_("no network teacher teaches %(subject)s"),
    N_("no network teacher of %(subject)s teaches grade %(grade)s"),
    N_("%(periods)s periods a week, but school %(school)s opens only %(live)s live periods a week"),
    N_(
        "the needs of classroom %(classroom)s add up to %(total)s periods a week, more than the "
        "%(live)s live periods school %(school)s opens"
    ),
    N_("teacher %(teacher)s does not teach grade%(s)s %(grades)s"),  # before the next one
    N_("teacher %(teacher)s does not teach %(subject)s"),
    N_("falls in a busy block of teacher %(teacher)s (%(start)s–%(end)s, %(file)s line %(line)s)"),
    N_("bell schedule %(schedule)s has no live period, so this school can take no live lessons"),
    N_("lies outside the school day of the teacher's school (%(days)s)"),
    # timetables
    N_("%(where)s: unknown lesson or period, or days %(days)s not like 10000"),
    N_(
        "period %(period)s has starttime %(start)s and endtime %(end)s; export the periods "
        "with their times"
    ),
    N_("%(value)s is not named by its bell times; name hours like 08:30-09:15"),
    N_("activity %(activity)s at %(day)s %(hour)s is unknown"),
    N_("has no line of weekdays (周一 … 周五) heading the timetable's columns"),
    N_(
        "has classes but no bell time: add a column of times like 08:00-08:40, or number the "
        "periods (第1节) and import the bundle's bell schedule first"
    ),
    N_("is not a timetable file (.xlsx, .xls, .ods, aSc .xml, .fet)"),
    N_("declares XML entities or a DTD; export the file again"),
    N_("is not well-formed XML (%(reason)s); export the file again"),
    N_("is XML of another kind (%(tag)s), not aSc or FET"),
]
DID_YOU_MEAN = N_(" (did you mean %(guess)s?)")
GUESS = re.compile(r" \(did you mean (?P<guess>'[^']*')\?\)$")
PART = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern[str]:
    """The template's literal text exactly, each named part any text (an English plural's
    "s" may be none)."""
    pieces = PART.split(template)  # text, name, text, name, …, text
    return re.compile(
        "^"
        + "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.*?)"
            for index, piece in enumerate(pieces)
        )
        + "$"
    )


SHAPES = [(_pattern(template), template) for template in TEMPLATES]


def problem_text(
    problem: Problem, gettext: Callable[[str], str], names: Mapping[str, str] | None = None
) -> str:
    """The problem's message translated when its shape is known, else as written; a quoted id
    of a person or a place among `names` (a page that has them) is shown as its name."""
    message, tail = problem.message, ""
    guess = GUESS.search(message)
    if guess:
        message = message[: guess.start()]
        tail = gettext(DID_YOU_MEAN) % {"guess": guess.group("guess")}
    for pattern, template in SHAPES:
        found = pattern.match(message)
        if found:
            parts = {key: _named(value, names or {}) for key, value in found.groupdict().items()}
            return gettext(template) % parts + tail
    return problem.message


def _named(value: str, names: Mapping[str, str]) -> str:
    """`'t-wang'` -> `王丽` when the id is named, else the value as it is."""
    quoted = value[1:-1] if len(value) > 2 and value[0] == value[-1] == "'" else ""
    return names.get(quoted, value)


def problem_line(
    problem: Problem, gettext: Callable[[str], str], names: Mapping[str, str] | None = None
) -> str:
    """`file:line: column: message` as the reader's own words would print it, the message
    translated."""
    place = problem.file
    if problem.line is not None:
        place = f"{place}:{problem.line}"
    if problem.column:
        place = f"{place}: {problem.column}"
    message = problem_text(problem, gettext, names)
    return f"{place}: {message}" if place else message
