"""Checks on dates: overlapping terms, calendar days outside terms, make-up days (调休)."""

from __future__ import annotations

from coordinator.bundle.parsed import Parsed
from coordinator.bundle.problems import Problem, error, warning
from coordinator.domain import CalendarDay, School, Term
from coordinator.enums import DayKind

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SATURDAY = 6


def check_calendar(parsed: Parsed, problems: list[Problem]) -> None:
    """Every date rule of the bundle."""
    check_terms(parsed, problems)
    check_days_in_terms(parsed, problems)
    check_day_rows(parsed, problems)


def check_terms(parsed: Parsed, problems: list[Problem]) -> None:
    """Terms of the same region (or two terms of every region) do not overlap."""
    seen: list[tuple[int, Term]] = []
    for line, term in parsed.objects("terms", Term):
        if term.end < term.start:
            continue
        for other_line, other in seen:
            same_region = other.region_id == term.region_id
            if same_region and term.start <= other.end and other.start <= term.end:
                message = f"term {term.id!r} overlaps term {other.id!r} on line {other_line}"
                problems.append(error(parsed.file("terms"), line, "start", message))
        seen.append((line, term))


def check_days_in_terms(parsed: Parsed, problems: list[Problem]) -> None:
    """A calendar day lies inside a term of its region (or a term of every region)."""
    if "terms" in parsed.broken or not parsed.complete("terms"):
        return
    terms = [term for _, term in parsed.objects("terms", Term)]
    if any(term.end < term.start for term in terms):
        return  # a term that ends before it starts is reported already
    schools = parsed.by_id("schools", School)
    for line, day in parsed.objects("calendar_days", CalendarDay):
        school = schools.get(day.school_id or "")
        region = day.region_id or (school.region_id if school else None)
        if day.school_id and school is None:
            continue  # an unknown school: reported as a bad reference
        inside = any(
            term.start <= day.date <= term.end
            and (region is None or term.region_id in {None, region})
            for term in terms
        )
        if not inside:
            message = f"{day.date} lies outside every term"
            if region:
                message = f"{day.date} lies outside every term of region {region!r}"
            problems.append(error(parsed.file("calendar_days"), line, "date", message))


def check_day_rows(parsed: Parsed, problems: list[Problem]) -> None:
    """Make-up days name the weekday they follow and fall on a weekend; one scope per day."""
    file = parsed.file("calendar_days")
    for line, day in parsed.objects("calendar_days", CalendarDay):
        weekday = day.date.isoweekday()
        if day.kind is DayKind.MAKEUP and day.follows_weekday is None:
            message = "a makeup day needs the weekday whose timetable it follows"
            problems.append(error(file, line, "follows_weekday", message))
        if day.kind is not DayKind.MAKEUP and day.follows_weekday is not None:
            message = (
                f"only makeup days follow another weekday; this day's kind is {day.kind.value!r}"
            )
            problems.append(error(file, line, "follows_weekday", message))
        if day.kind is DayKind.MAKEUP and weekday < SATURDAY:
            message = (
                f"{day.date} is a {WEEKDAY_NAMES[weekday - 1]}; "
                "a makeup day is normally a Saturday or Sunday"
            )
            problems.append(warning(file, line, "date", message))
        if day.region_id and day.school_id:
            message = "give region_id or school_id, not both"
            problems.append(error(file, line, "school_id", message))
