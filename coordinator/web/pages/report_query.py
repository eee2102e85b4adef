"""The Reports page's parameters: period, grouping, scope and table, checked field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from coordinator.reporting import Dimension, ScopeFilter
from coordinator.reporting.facts import Catalog, ReportError, Scope
from coordinator.reporting.overview import Section
from coordinator.reporting.periods import (
    MAX_DAYS,
    PeriodError,
    PeriodErrorCode,
    Preset,
    TermSpan,
    custom_span,
    preset_span,
)
from coordinator.reporting.scopes import within
from coordinator.services.accounts.users import User
from coordinator.services.data.directory import Directory
from coordinator.web.i18n import gettext_of
from coordinator.web.pages.base import N_

GROUPINGS = (
    Dimension.SCHOOL,
    Dimension.CLASSROOM,
    Dimension.TEACHER,
    Dimension.SUBJECT,
    Dimension.GRADE,
    Dimension.WEEK,
    Dimension.ALLIANCE,
    Dimension.REGION,
)
DEFAULT_GROUPING = Dimension.SCHOOL
FIELDS = {
    "period": N_("Report period"),
    "from": N_("Start date"),
    "to": N_("End date"),
    "by": N_("Group by"),
    "scope": N_("Scope"),
    "table": N_("Table"),
}
PERIOD_ERRORS = {
    PeriodErrorCode.NOT_A_DATE: N_(
        "%(field)s: “%(value)s” is not a date. Write it like 2026-11-23."
    ),
    PeriodErrorCode.MISSING: N_("%(field)s: give a date, like 2026-11-23."),
    PeriodErrorCode.OUT_OF_RANGE: N_(
        "%(field)s: %(value)s is out of range; give a date between 2000 and 2099."
    ),
    PeriodErrorCode.REVERSED: N_("%(field)s: %(value)s is before the start of the period."),
    PeriodErrorCode.TOO_LONG: N_(
        "%(field)s: the period is too long. A report covers at most %(days)d days (one school "
        "year); choose a shorter period."
    ),
    PeriodErrorCode.NO_TERM: N_(
        "%(field)s: the data has no term for these schools yet; choose the dates instead."
    ),
    PeriodErrorCode.UNKNOWN_PRESET: N_("%(field)s: “%(value)s” is not a period this page offers."),
}
NOT_OFFERED = N_("%(field)s: “%(value)s” is not one of the choices offered.")


class QueryError(Exception):
    """A bad parameter: the field it names, a message id and the value given."""

    def __init__(self, field: str, message: str, value: str = "") -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.value = field, message, value

    def text(self, request: web.Request) -> str:
        """The message in the request's language, naming the field as the form labels it."""
        field = gettext_of(request, FIELDS.get(self.field, self.field))
        values = {"field": field, "value": self.value, "days": MAX_DAYS}
        return gettext_of(request, self.message) % values


@dataclass(frozen=True, slots=True)
class ReportQuery:
    first: dt.date
    last: dt.date
    by: Dimension
    scope: ScopeFilter

    @property
    def scope_value(self) -> str:
        return f"{self.scope.kind.value}:{self.scope.id}"

    def params(self, **extra: str) -> str:
        """The query string that shows (or exports) exactly this report."""
        values = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "by": self.by.value,
            "scope": self.scope_value,
        }
        return urlencode({**values, **extra})


def own_scope(user: User) -> ScopeFilter:
    """An admin's scope as a report scope (an education group is an alliance)."""
    kind = Scope.REGION if user.scope_kind == "region" else Scope.ALLIANCE
    return ScopeFilter(kind, user.scope_id)


def terms_for(directory: Directory, catalog: Catalog, own: ScopeFilter) -> list[TermSpan]:
    """The terms of the regions of the admin's schools, and those of every region."""
    try:
        schools = own.schools(catalog)
    except ReportError:  # a scope whose region or alliance has left the data
        schools = frozenset()
    regions = {catalog.schools[s].region_id for s in schools if s in catalog.schools}
    return [
        TermSpan(t.start, t.end)
        for t in directory.bundle.terms
        if t.region_id is None or t.region_id in regions
    ]


def read_scope(query: Mapping[str, str], catalog: Catalog, own: ScopeFilter) -> ScopeFilter:
    """The scope asked for (the admin's own by default); 403 for one outside the admin's."""
    text = query.get("scope", "").strip()
    if not text:
        return own
    kind, _, ident = text.partition(":")
    if kind not in {s.value for s in Scope} or not ident:
        raise QueryError("scope", NOT_OFFERED, text[:60])
    wanted = ScopeFilter(Scope(kind), ident)
    if wanted != own and not within(catalog, wanted, own):
        raise web.HTTPForbidden()
    return wanted


def read_span(
    query: Mapping[str, str], today: dt.date, terms: list[TermSpan]
) -> tuple[dt.date, dt.date]:
    """A named period (`period`), else the dates `from` and `to`; this month so far by default."""
    try:
        if query.get("period"):
            return preset_span(query["period"], today, terms)
        if query.get("from") or query.get("to"):
            return custom_span(query.get("from", ""), query.get("to", ""))
        return preset_span(Preset.THIS_MONTH, today)
    except PeriodError as error:
        raise QueryError(error.field, PERIOD_ERRORS[error.code], error.value) from None


def read_query(
    query: Mapping[str, str],
    catalog: Catalog,
    own: ScopeFilter,
    today: dt.date,
    terms: list[TermSpan],
) -> ReportQuery:
    """Every parameter checked; the scope first, so a foreign one is refused whatever else."""
    scope = read_scope(query, catalog, own)
    first, last = read_span(query, today, terms)
    by = query.get("by") or DEFAULT_GROUPING.value
    if by not in {d.value for d in GROUPINGS}:
        raise QueryError("by", NOT_OFFERED, by[:40])
    return ReportQuery(first, last, Dimension(by), scope)


def read_section(query: Mapping[str, str]) -> Section:
    """Which table an export writes (attendance by default)."""
    text = query.get("table") or Section.ATTENDANCE.value
    if text not in {s.value for s in Section}:
        raise QueryError("table", NOT_OFFERED, text[:40])
    return Section(text)


def file_name(section: Section, query: ReportQuery, today: dt.date, extension: str) -> str:
    """E.g. attendance-2026-11.csv for a month (or the month so far), else the dates."""
    first, last = query.first, query.last
    next_month = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    whole = last in (next_month - dt.timedelta(days=1), today)
    if first.day == 1 and last < next_month and whole:
        span = f"{first:%Y-%m}"
    elif first == last:
        span = first.isoformat()
    else:
        span = f"{first.isoformat()}_{last.isoformat()}"
    return f"{section.value}-{span}.{extension}"
