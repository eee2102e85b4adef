"""The audit log for admins: who changed what, newest first, filterable."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import AuditFilter, audit_entries
from coordinator.services.data.directory import Directory
from coordinator.web.i18n import LANGUAGE, translator
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import DIRECTORY, VIEWER, allow
from coordinator.web.pages.audit_text import ACTIONS, AuditWords
from coordinator.web.pages.base import page_context, render


def _date(value: str | None) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def filter_of(query: dict[str, str]) -> AuditFilter:
    until = _date(query.get("until"))
    return AuditFilter(
        actor=query.get("actor", "").strip()[:64],
        action=query.get("action", "").strip()[:32],
        since=_date(query.get("since")),
        until=until + dt.timedelta(days=1) if until else None,
    )


@allow("admin")
async def audit_page(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    wanted = filter_of(dict(request.query))
    entries = await audit_entries(
        request.app[STORE], viewer.scope, region_admin=viewer.region_admin, wanted=wanted
    )
    directory: Directory | None
    try:
        directory = await request.app[DIRECTORY].directory()
    except CoordinatorError:  # nothing imported yet
        directory = None
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    words = AuditWords(translator(request).gettext, directory, zone, request.get(LANGUAGE, "zh"))
    context = await page_context(request)
    context.update(
        entries=[words.line(row) for row in entries],
        actions=list(ACTIONS.items()),
        query=dict(request.query),
    )
    return render("audit.html", request, context)


def routes() -> list[web.RouteDef]:
    return [web.get("/audit", audit_page)]
