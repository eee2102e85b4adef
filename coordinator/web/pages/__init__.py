"""The server-rendered pages: sessions, CSRF, languages, templates and routes in one call."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from aiohttp.web_exceptions import NotAppKeyWarning

from coordinator.services.accounts.secret import secret_key
from coordinator.services.accounts.users import DirectoryCache
from coordinator.services.data.imports import read_limits
from coordinator.settings import Settings
from coordinator.web.csrf import csrf_protect
from coordinator.web.i18n import CATALOGS, language, load_catalogs
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages import (
    assistant,
    assistant_app,
    audience_choice,
    audit,
    busy,
    calendars,
    contact,
    course_audiences,
    course_host,
    courses,
    data,
    edits,
    go_live,
    lessons,
    messages,
    rebalance,
    reports,
    signin,
    solve,
    teacher,
    timetables,
    today,
    watch,
)
from coordinator.web.pages.access import DIRECTORY
from coordinator.web.pages.base import PAGE_EXEMPT, page_errors
from coordinator.web.pages.config import PAGES, PagesConfig
from coordinator.web.session import sessions

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


async def _directory_cache(app: web.Application) -> None:
    """After the store is open (cleanup_ctx runs before on_startup handlers)."""
    app[DIRECTORY] = DirectoryCache(app[STORE], app[SETTINGS].feeds.counter_ttl_s)


def pages_only(middlewares: list[Middleware]) -> Middleware:
    """The page middlewares as one, stepping aside at once for the API, feeds and probes.

    Feeds and check-ins are the hot paths (polled all day, bursts at every period): they pay
    one prefix check, not a session, a language choice and a CSRF check each.
    """

    @web.middleware
    async def pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PAGE_EXEMPT):
            return await handler(request)
        for middleware in reversed(middlewares):
            handler = functools.partial(middleware, handler=handler)
        return await handler(request)

    return pages


def setup_pages(
    app: web.Application, settings: Settings, config: PagesConfig | None = None
) -> None:
    """Middlewares (session, language, page errors, CSRF), templates, catalogs and routes."""
    secure = settings.server.public_url.startswith("https://")
    session = sessions(lambda: secret_key(settings), secure=secure, skip=PAGE_EXEMPT)
    app.middlewares.append(pages_only([session, language, page_errors, csrf_protect]))
    app[PAGES] = config or PagesConfig(
        trusted_proxies=settings.server.trusted_proxies, read_limits=read_limits(settings.data)
    )
    # aiohttp-jinja2 keeps some state under str request keys; aiohttp warns about that.
    warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_jinja2")
    app[CATALOGS] = load_catalogs()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app.router.add_static("/static", TEMPLATES / "static", name="static")
    app.on_startup.append(_directory_cache)
    for module in (
        signin,
        today,
        timetables,
        teacher,
        calendars,
        data,
        audit,
        assistant,
        assistant_app,
        reports,
        rebalance,
        solve,
        busy,
        edits,
        lessons,
        courses,
        course_audiences,
        course_host,
        watch,
        go_live,
        messages,
        contact,
        audience_choice,
    ):
        app.add_routes(module.routes())
