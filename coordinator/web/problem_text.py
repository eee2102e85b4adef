"""A data bundle's problems in the reader's language.

The bundle checks (pure, shared with the CLI) write their problems in English with the values
quoted; a page shows them through the catalogs instead. Each known message shape is a pattern
whose named parts (the value, a number, a line) are kept as they are and put into the
translated sentence; a message of no known shape is shown as it came.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
]
DID_YOU_MEAN = N_(" (did you mean %(guess)s?)")
GUESS = re.compile(r" \(did you mean (?P<guess>'[^']*')\?\)$")
PART = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern[str]:
    """The template's literal text exactly, each named part any text."""
    pieces = PART.split(template)  # text, name, text, name, …, text
    return re.compile(
        "^"
        + "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
            for index, piece in enumerate(pieces)
        )
        + "$"
    )


SHAPES = [(_pattern(template), template) for template in TEMPLATES]


def problem_text(problem: Problem, gettext: Callable[[str], str]) -> str:
    """The problem's message translated when its shape is known, else as written."""
    message, tail = problem.message, ""
    guess = GUESS.search(message)
    if guess:
        message = message[: guess.start()]
        tail = gettext(DID_YOU_MEAN) % {"guess": guess.group("guess")}
    for pattern, template in SHAPES:
        found = pattern.match(message)
        if found:
            return gettext(template) % found.groupdict() + tail
    return problem.message
