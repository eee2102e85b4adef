"""Reports for admins: attendance and 开齐开足 over a period, in scope, with charts and exports."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from coordinator.reporting import ScopeFilter, chart_svg, to_csv, to_xlsx
from coordinator.reporting.export import text_of
from coordinator.reporting.facts import Catalog, Scope
from coordinator.reporting.overview import Overview, Section
from coordinator.reporting.periods import Preset, TermSpan, matching_preset
from coordinator.reporting.scopes import scope_choices, scope_label
from coordinator.reporting.tables import GROUP_NAMES, Cell, Column, Kind
from coordinator.services.reporting.facts import load_catalog, page_overview
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import N_, page_context, render
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.report_query import (
    DEFAULT_GROUPING,
    GROUPINGS,
    QueryError,
    ReportQuery,
    file_name,
    own_scope,
    read_query,
    read_section,
    terms_for,
)

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PRESETS = {
    Preset.THIS_WEEK: N_("This week"),
    Preset.LAST_WEEK: N_("Last week"),
    Preset.THIS_MONTH: N_("This month"),
    Preset.LAST_MONTH: N_("Last month"),
    Preset.THIS_TERM: N_("This term"),
}


@dataclass(frozen=True, slots=True)
class Setting:
    """What every answer of this page starts from: the admin's world, now and today."""

    catalog: Catalog
    own: ScopeFilter
    now: dt.datetime
    zone: ZoneInfo
    terms: list[TermSpan]

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()


async def setting_of(request: web.Request) -> Setting:
    viewer = request[VIEWER]
    catalog = await load_catalog(request.app[STORE])
    own = own_scope(viewer.user)
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    terms = terms_for(viewer.directory, catalog, own)
    return Setting(catalog, own, request.app[PAGES].clock(), zone, terms)


def query_of(request: web.Request, setting: Setting) -> ReportQuery:
    return read_query(request.query, setting.catalog, setting.own, setting.today, setting.terms)


async def compute(request: web.Request, setting: Setting, query: ReportQuery) -> Overview:
    return await page_overview(
        request.app[STORE],
        by=query.by,
        first=query.first,
        last=query.last,
        as_of=setting.now,
        scope=query.scope,
        catalog=setting.catalog,
    )


def form_context(
    request: web.Request, setting: Setting, query: ReportQuery | None
) -> dict[str, Any]:
    """The form's choices and values: the query's, or what was typed when it was refused."""
    lang, typed = request[LANGUAGE], request.query
    form = {
        "from": query.first.isoformat() if query else typed.get("from", ""),
        "to": query.last.isoformat() if query else typed.get("to", ""),
        "by": query.by.value if query else typed.get("by", DEFAULT_GROUPING.value),
        "scope": query.scope_value if query else typed.get("scope", ""),
    }
    span = (query.first, query.last) if query else None
    current = matching_preset(span, setting.today, setting.terms) if span else None
    keep = {"by": form["by"], "scope": form["scope"]} if query else {}
    presets = [
        (gettext_of(request, label), "?" + urlencode({"period": p.value, **keep}), p is current)
        for p, label in PRESETS.items()
    ]
    scopes = scope_groups(request, setting)
    if query and all(query.scope_value != value for _, group in scopes for value, _ in group):
        shown = scope_label(setting.catalog, query.scope).text(lang)  # e.g. one classroom
        scopes[0][1].append((query.scope_value, shown))
    return {
        "form": form,
        "presets": presets,
        "scopes": scopes,
        "groupings": [(d.value, GROUP_NAMES[d.value].text(lang)) for d in GROUPINGS],
    }


def scope_groups(request: web.Request, setting: Setting) -> list[tuple[str, list[tuple[str, str]]]]:
    """The scope choices under headings: the admin's whole scope, its alliances, its schools."""
    headings = {
        "own": gettext_of(request, "Your whole scope"),
        Scope.ALLIANCE: gettext_of(request, "Alliances"),
        Scope.SCHOOL: gettext_of(request, "Schools"),
    }
    groups: dict[str, list[tuple[str, str]]] = {heading: [] for heading in headings.values()}
    for index, choice in enumerate(scope_choices(setting.catalog, setting.own)):
        heading = headings["own" if index == 0 else choice.scope.kind]
        groups[heading].append((choice.value, choice.label.text(request[LANGUAGE])))
    return [(heading, options) for heading, options in groups.items() if options]


def group_name(query: ReportQuery, lang: str) -> str:
    name = GROUP_NAMES[query.by.value].text(lang)
    return name.lower() if lang == "en" else name


def cell_text(lang: str) -> Callable[[Cell, Column], str]:
    return lambda cell, column: text_of(cell, column, lang)


def export_links(query: ReportQuery) -> dict[str, dict[str, str]]:
    """Per table, the CSV and XLSX addresses of exactly what the page shows."""
    return {
        section.value: {
            extension: f"/reports/export.{extension}?{query.params(table=section.value)}"
            for extension in CONTENT_TYPES
        }
        for section in Section
    }


async def refused(request: web.Request, setting: Setting, error: QueryError) -> web.Response:
    """400: the form as it was typed, with the message naming the field."""
    context = await page_context(request)
    context.update(form_context(request, setting, None), error=error.text(request), result=None)
    return render("reports.html", request, context, status=400)


@allow("admin")
async def reports_page(request: web.Request) -> web.Response:
    setting = await setting_of(request)
    try:
        query = query_of(request, setting)
    except QueryError as error:
        return await refused(request, setting, error)
    result = await compute(request, setting, query)
    lang = request[LANGUAGE]
    context = await page_context(request)
    context.update(
        form_context(request, setting, query),
        error="",
        result=result,
        query=query,
        scope_name=scope_label(setting.catalog, query.scope).text(lang),
        group_name=group_name(query, lang),
        as_of=setting.now.astimezone(setting.zone),
        cell=cell_text(lang),
        numeric=lambda column: column.kind is not Kind.TEXT,
        charts=[
            Markup(chart_svg(result.weekly_chart, lang)),  # chart_svg escapes every text
            Markup(chart_svg(result.failure_chart, lang)),
        ],
        links=export_links(query),
    )
    return render("reports.html", request, context)


@allow("admin")
async def export(request: web.Request) -> web.StreamResponse:
    """One table of the page as CSV (UTF-8 with BOM, for Excel) or XLSX, named for its period."""
    extension = request.match_info["format"]
    setting = await setting_of(request)
    try:
        query = query_of(request, setting)
        section = read_section(request.query)
    except QueryError as error:
        return await refused(request, setting, error)
    table = (await compute(request, setting, query)).table(section)
    writer = to_csv if extension == "csv" else to_xlsx
    body = await asyncio.to_thread(writer, table, request[LANGUAGE])
    name = file_name(section, query, setting.today, extension)
    response = web.Response(body=body, content_type=CONTENT_TYPES[extension])
    if extension == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"  # live figures, one admin's scope
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/reports", reports_page),
        web.get("/reports/export.{format:csv|xlsx}", export),
    ]
