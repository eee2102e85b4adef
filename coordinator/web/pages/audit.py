"""The audit log for admins: who changed what, newest first, filterable."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from coordinator.services.accounts.users import AuditFilter, audit_entries
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER, allow
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
    context = await page_context(request)
    context.update(entries=entries, query=dict(request.query))
    return render("audit.html", request, context)


def routes() -> list[web.RouteDef]:
    return [web.get("/audit", audit_page)]
