"""One school's term calendar: which dates have school and which weekday's timetable runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from coordinator.domain import CalendarDay, School, Term
from coordinator.enums import DayKind


class DayType(StrEnum):
    """What a date is for one school."""

    OUT_OF_TERM = "out_of_term"  # no term covers the date
    ORDINARY = "ordinary"  # a term day that runs its own weekday's timetable
    HOLIDAY = "holiday"  # no school
    CLOSURE = "closure"  # no school (this school or region only)
    MAKEUP = "makeup"  # 调休: runs another weekday's timetable
    EXAM = "exam"  # school open, no live lessons


_EXAM = DayType.EXAM  # read on every date of every session when a term is dated: a plain name

# When two entries of the same scope name one date, the more restrictive one wins.
_RESTRICTIVENESS = {DayKind.MAKEUP: 0, DayKind.EXAM: 1, DayKind.CLOSURE: 2, DayKind.HOLIDAY: 3}


@dataclass(frozen=True, slots=True)
class SchoolDay:
    """One date as one school lives it."""

    date: dt.date
    type: DayType
    timetable_weekday: int | None  # ISO weekday whose timetable runs; None: no school
    name: str = ""  # the calendar day's name, e.g. 国庆节
    term_id: str | None = None

    @property
    def has_school(self) -> bool:
        return self.timetable_weekday is not None

    @property
    def live(self) -> bool:
        """Whether live lessons may run on this date."""
        return self.timetable_weekday is not None and self.type is not _EXAM


@dataclass(frozen=True, slots=True, eq=False)
class SchoolCalendar:
    """Terms and special days that apply to one school, resolved by scope.

    Build it with `SchoolCalendar.build` (or `for_school`): it keeps the terms of the school's
    region (and those of every region) and the calendar days that reach the school, with
    school-wide entries overriding region-wide ones, which override everyone-wide ones.
    """

    school_id: str
    region_id: str
    time_zone: str
    terms: tuple[Term, ...]
    days: Mapping[dt.date, CalendarDay]  # one resolved entry per date

    @classmethod
    def build(
        cls,
        *,
        school_id: str,
        region_id: str,
        terms: Iterable[Term],
        calendar_days: Iterable[CalendarDay],
        time_zone: str = "Asia/Shanghai",
    ) -> SchoolCalendar:
        own_terms = tuple(
            sorted(
                (t for t in terms if t.region_id in (None, region_id)),
                key=lambda t: (t.start, t.end, t.id),
            )
        )
        resolved: dict[dt.date, tuple[tuple[int, int], CalendarDay]] = {}
        for day in calendar_days:
            scope = _scope_rank(day, school_id, region_id)
            if scope is None:
                continue
            rank = (scope, _RESTRICTIVENESS[day.kind])
            current = resolved.get(day.date)
            if current is None or rank > current[0]:
                resolved[day.date] = (rank, day)
        days = MappingProxyType({date: entry for date, (_, entry) in sorted(resolved.items())})
        return cls(school_id, region_id, time_zone, own_terms, days)

    @classmethod
    def for_school(
        cls, school: School, terms: Iterable[Term], calendar_days: Iterable[CalendarDay]
    ) -> SchoolCalendar:
        return cls.build(
            school_id=school.id,
            region_id=school.region_id,
            terms=terms,
            calendar_days=calendar_days,
            time_zone=school.time_zone,
        )

    def term_on(self, date: dt.date) -> Term | None:
        """The term that covers `date`, if any."""
        return next((t for t in self.terms if t.start <= date <= t.end), None)

    def term_from(self, date: dt.date) -> Term | None:
        """The term that covers `date`, else the next one to start, if any."""
        return next((t for t in self.terms if date <= t.end), None)

    def in_term(self, date: dt.date) -> bool:
        return self.term_on(date) is not None

    def day(self, date: dt.date) -> SchoolDay:
        """What `date` is for this school."""
        term = self.term_on(date)
        if term is None:
            return SchoolDay(date, DayType.OUT_OF_TERM, None)
        special = self.days.get(date)
        if special is None:
            return SchoolDay(date, DayType.ORDINARY, date.isoweekday(), term_id=term.id)
        kind = DayType(special.kind.value)
        weekday: int | None
        if kind in (DayType.HOLIDAY, DayType.CLOSURE):
            weekday = None
        elif kind is DayType.MAKEUP:
            weekday = special.follows_weekday or date.isoweekday()
        else:
            weekday = date.isoweekday()
        return SchoolDay(date, kind, weekday, special.name, term.id)

    def timetable_weekday(self, date: dt.date) -> int | None:
        """The ISO weekday whose timetable runs on `date`; None when there is no school."""
        return self.day(date).timetable_weekday


def _scope_rank(day: CalendarDay, school_id: str, region_id: str) -> int | None:
    """2 for this school, 1 for its region, 0 for everyone, None if the day is elsewhere."""
    if day.school_id is not None:
        return 2 if day.school_id == school_id else None
    if day.region_id is not None:
        return 1 if day.region_id == region_id else None
    return 0
