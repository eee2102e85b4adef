"""The columns an in-place edit shows: their names in words, and what a cell must hold.

A cell the bundle's parser refuses is answered with the column's name and what it must hold,
in the page's language, beside the row it is in; rules across rows and tables (an id that
does not exist, a limit a pin breaks) come from the bundle reader, as an upload's report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from coordinator.bundle.cells import CellError
from coordinator.bundle.problems import Problem
from coordinator.bundle.schema import FileSpec
from coordinator.web.pages.base import N_
from coordinator.web.problem_text import problem_text

Gettext = Callable[[str], str]

LABELS = {
    "id": N_("ID"),
    "school_id": N_("School ID"),
    "name": N_("Name"),
    "subjects": N_("Subject IDs"),
    "subject_id": N_("Subject ID"),
    "grades": N_("Grades"),
    "grade": N_("Grade"),
    "max_per_day": N_("Most lessons a day"),
    "max_per_week": N_("Most lessons a week"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "date": N_("Date"),
    "kind": N_("Kind"),
    "follows_weekday": N_("Follows the timetable of"),
    "periods_per_week": N_("Periods a week"),
    "assistant_id": N_("Assistant ID"),
    "students": N_("Students"),
    "network": N_("Network"),
    "weekday": N_("Weekday"),
    "start": N_("Start"),
    "end": N_("End"),
    "capacity": N_("Classrooms at most"),
    "open": N_("Open course (yes/no)"),
    "note": N_("Note"),
}
MUST_HOLD = {
    "max_per_day": N_("a whole number, 1 or more"),
    "max_per_week": N_("a whole number, 1 or more"),
    "periods_per_week": N_("a whole number, 1 or more"),
    "capacity": N_("a whole number, 1 or more"),
    "students": N_("a whole number, 0 or more"),
    "date": N_("a date like 2026-11-23"),
    "start": N_("a time of day like 08:00"),
    "end": N_("a time of day like 08:40"),
    "weekday": N_("a weekday, 1 (Monday) to 7 (Sunday)"),
    "follows_weekday": N_("a weekday, 1 (Monday) to 7 (Sunday)"),
    "grade": N_("a grade from 1 to 12"),
    "grades": N_("grades from 1 to 12, like 3 or 3-6"),
    "kind": N_("one of: holiday, closure, makeup, exam"),
    "open": N_("yes or no"),
    "network": N_("one of the network profiles"),
    "email": N_("an email address"),
    "phone": N_("a phone number"),
    "subjects": N_("subject IDs separated by commas"),
}
IDENTIFIER = N_("an ID of letters, digits, _, - and .")
TEXT = N_("plain text on one line")
REQUIRED = N_("%(field)s: required.")
UNKNOWN = N_("%(field)s: “%(value)s” does not exist (no such ID in %(file)s).")
TAKEN = N_("%(field)s: “%(value)s” is already there; each must be different.")
REFUSED = N_("%(field)s: “%(value)s” is not accepted; write %(rule)s.")
SAYS = N_("%(field)s: %(message)s")


def label(column: str, gettext: Gettext) -> str:
    return gettext(LABELS.get(column, column))


def cell_problem(spec: FileSpec, column: str, value: str, gettext: Gettext) -> str | None:
    """The cell checked by the bundle's own parser for its column: None when it reads."""
    parser = spec.column(column)
    if not value.strip():
        if parser.required:
            return gettext(REQUIRED) % {"field": label(column, gettext)}
        return None
    try:
        parser.parse(value)
    except CellError:
        rule = MUST_HOLD.get(column) or (IDENTIFIER if column.endswith("id") else TEXT)
        return gettext(REFUSED) % {
            "field": label(column, gettext),
            "value": value[:40],
            "rule": gettext(rule),
        }
    return None


def row_problem(
    spec: FileSpec,
    problem: Problem,
    row: dict[str, str],
    gettext: Gettext,
    names: Mapping[str, str] | None = None,
) -> str:
    """A rule across rows or tables the reader found in a typed row: an unknown id and a taken
    one in the page's own words, any other in the reader's words translated."""
    column = problem.column or ""
    field = label(column, gettext) if column else ""
    value = row.get(column, "")
    reference = spec.column(column).ref if column in spec.column_names else None
    if reference and "is not an id in" in problem.message:
        unknown = next((v for v in value.split(",") if v and v in problem.message), value)
        return gettext(UNKNOWN) % {"field": field, "value": unknown, "file": f"{reference}.csv"}
    if column and problem.message.startswith(("same ", "duplicate ")):
        return gettext(TAKEN) % {"field": field, "value": value}
    message = problem_text(problem, gettext, names)
    return gettext(SAYS) % {"field": field, "message": message} if field else message
