"""Report periods as people ask for them: this week, last month, this term, or two dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from coordinator.reporting.facts import ReportError

MAX_DAYS = 366  # one school year; longer periods are refused, not silently cut
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


class Preset(StrEnum):
    """Named periods, each ending today at the latest ("so far")."""

    THIS_WEEK = "this-week"
    LAST_WEEK = "last-week"
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    THIS_TERM = "this-term"


class PeriodErrorCode(StrEnum):
    NOT_A_DATE = "not_a_date"
    MISSING = "missing"
    OUT_OF_RANGE = "out_of_range"
    REVERSED = "reversed"
    TOO_LONG = "too_long"
    NO_TERM = "no_term"
    UNKNOWN_PRESET = "unknown_preset"


class PeriodError(ReportError):
    """A period that cannot be reported on; `field` names the form field at fault."""

    def __init__(self, field: str, code: PeriodErrorCode, value: str = "") -> None:
        self.field, self.code, self.value = field, code, value
        super().__init__(f"{field}: {code.value} {value!r}".rstrip())


@dataclass(frozen=True, slots=True)
class TermSpan:
    """A term's first and last day (the terms that apply to the schools reported on)."""

    start: dt.date
    end: dt.date


def parse_date(field: str, text: str) -> dt.date:
    """A YYYY-MM-DD date from a form field, or a PeriodError naming the field."""
    if not text.strip():
        raise PeriodError(field, PeriodErrorCode.MISSING)
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(field, PeriodErrorCode.NOT_A_DATE, text[:40]) from None
    if not EARLIEST <= day <= LATEST:
        raise PeriodError(field, PeriodErrorCode.OUT_OF_RANGE, text[:40])
    return day


def checked_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """`first` to `last`, both included, at most MAX_DAYS long."""
    if last < first:
        raise PeriodError("to", PeriodErrorCode.REVERSED, last.isoformat())
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError("to", PeriodErrorCode.TOO_LONG, last.isoformat())
    return first, last


def custom_span(first: str, last: str) -> tuple[dt.date, dt.date]:
    """The dates of the `from` and `to` fields."""
    return checked_span(parse_date("from", first), parse_date("to", last))


def preset_span(
    preset: str, today: dt.date, terms: Sequence[TermSpan] = ()
) -> tuple[dt.date, dt.date]:
    """The dates a named period covers as of `today` (the current week, month, term so far)."""
    monday = today - dt.timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    if preset == Preset.THIS_WEEK:
        return monday, today
    if preset == Preset.LAST_WEEK:
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if preset == Preset.THIS_MONTH:
        return first_of_month, today
    if preset == Preset.LAST_MONTH:
        last = first_of_month - dt.timedelta(days=1)
        return last.replace(day=1), last
    if preset == Preset.THIS_TERM:
        term = current_term(terms, today)
        return checked_span(term.start, min(term.end, today))
    raise PeriodError("period", PeriodErrorCode.UNKNOWN_PRESET, preset[:40])


def current_term(terms: Sequence[TermSpan], today: dt.date) -> TermSpan:
    """The term holding `today`, else the latest that has begun (a holiday between terms)."""
    begun = sorted((t for t in terms if t.start <= today), key=lambda t: (t.start, t.end))
    holding = [t for t in begun if today <= t.end]
    if holding:
        return holding[-1]
    if begun:
        return begun[-1]
    raise PeriodError("period", PeriodErrorCode.NO_TERM, today.isoformat())


def matching_preset(
    span: tuple[dt.date, dt.date], today: dt.date, terms: Sequence[TermSpan] = ()
) -> Preset | None:
    """The named period these dates are today, if any (to mark it on the page)."""
    for preset in Preset:
        try:
            if preset_span(preset, today, terms) == span:
                return preset
        except PeriodError:
            continue
    return None
