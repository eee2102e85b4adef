"""What every page shares: the template context, the navigation, error pages, headers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.accounts.users import User
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.web.csrf import CsrfError, csrf_token
from coordinator.web.i18n import LANGUAGE, long_date, short_date, translator, zone_name
from coordinator.web.keys import SETTINGS
from coordinator.web.pages.access import ALL_ROLES, DIRECTORY
from coordinator.web.problem_text import problem_text
from coordinator.web.session import current_user

LIST_COMMA = {"zh": "、", "en": ", "}
SAME_PAGE = web.RequestKey("same_page", bool)  # set by a POST whose address answers GET too
PAGE_EXEMPT = ("/api/", "/feeds/", "/healthz", "/readyz", "/static/")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def N_(message: str) -> str:  # marks a message for extraction
    return message


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str
    roles: tuple[str, ...] = ALL_ROLES
    region_only: bool = False


# The Rebalance (admin) and Reports (admin) pages slot in here when they land.
NAV: list[NavItem] = [
    NavItem("/today", N_("Today"), ("admin",)),
    NavItem("/assistant", N_("My classes"), ("assistant",)),
    NavItem("/courses", N_("Open courses"), ("assistant", "admin")),
    NavItem("/timetables", N_("Timetables")),
    NavItem("/calendars", N_("Calendars")),
    NavItem("/rebalance", N_("Rebalance"), ("admin",)),
    NavItem("/solve", N_("Solve"), ("admin",)),
    NavItem("/data", N_("Data"), ("admin",), region_only=True),
    NavItem("/reports", N_("Reports"), ("admin",)),
    NavItem("/audit", N_("Audit log"), ("admin",)),
    NavItem("/messages", N_("Messages"), ("admin",)),
]


def nav_for(role: str, scope_kind: str, scope_id: str) -> list[NavItem]:
    items = [
        item
        for item in NAV
        if role in item.roles and (not item.region_only or scope_kind == "region")
    ]
    if role == "teacher":
        items.insert(0, NavItem(f"/teachers/{scope_id}", N_("My lessons"), ("teacher",)))
    return items


def school_date(request: web.Request, moment: dt.datetime) -> dt.date:
    """The date of `moment` where the schools are (`default_time_zone`), not on the server."""
    return moment.astimezone(ZoneInfo(request.app[SETTINGS].default_time_zone)).date()


def hhmm(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


async def person_name(request: web.Request, user: User) -> str:
    """Who a user is as people say it: a teacher's or an assistant's name, an admin's county
    (or alliance, group); the user name only when the data does not know them."""
    kind = "alliance" if user.scope_kind == "group" else user.scope_kind
    try:
        directory = await request.app[DIRECTORY].directory()
        return directory.owner_name(FeedOwner(kind, user.scope_id))
    except (KeyError, CoordinatorError):
        return user.username


def back_to(request: web.Request) -> str:
    """Where the language switch returns: this page, or after a form's POST (an upload's
    result, a preview) the page the form lives on, since the POST's address answers no GET."""
    if request.method in ("GET", "HEAD") or request.get(SAME_PAGE):
        return request.path_qs
    return request.path.rsplit("/", 1)[0] or request.path


async def page_context(request: web.Request) -> dict[str, Any]:
    """Given to every template: the translation, the user, the CSRF token, the navigation."""
    lang = request.get(LANGUAGE, "zh")
    gettext = translator(request).gettext
    user = await current_user(request)
    nav = nav_for(user.role, user.scope_kind, user.scope_id) if user else []
    return {
        "_": gettext,
        "problem_text": lambda problem: problem_text(problem, gettext),
        "lang": lang,
        "user": user,
        "user_name": await person_name(request, user) if user else "",
        "csrf_token": await csrf_token(request),
        "nav": nav,
        "path": request.path,
        "path_qs": back_to(request),
        "long_date": lambda day: long_date(day, lang),
        "short_date": lambda day: short_date(day, lang),
        "zone_name": lambda zone: zone_name(zone, lang),
        "hhmm": hhmm,
        "comma": LIST_COMMA[lang],  # between the items of a list: 3、4 or 3, 4
        "listed": lambda items: LIST_COMMA[lang].join(str(item) for item in items),
    }


def render(
    template: str, request: web.Request, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def _is_page(request: web.Request) -> bool:
    return not request.path.startswith(PAGE_EXEMPT)


async def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    context = await page_context(request)
    response = render("error.html", request, {**context, "status": status, "message": message})
    response.set_status(status)
    return response


@web.middleware
async def page_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """403 and 404 of the pages as pages (the API and feeds keep their own answers)."""
    if not _is_page(request):
        return await handler(request)
    try:
        response = await handler(request)
    except NotFoundError:
        response = await _error_page(request, 404, "")
    except CsrfError:
        response = await _error_page(request, 403, "csrf")
    except (web.HTTPForbidden, web.HTTPNotFound) as error:
        response = await _error_page(request, error.status, "")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
