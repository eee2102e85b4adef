"""Who gets what, chosen in the console: a region admin ticks, for reminders, change notices
and no-show alerts, which of the teacher, the assistants and the admins receive them in their
county (stored over the setting `notifications.audiences`, audited)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from coordinator.services.notifications.audience_choices import (
    AUDIENCES,
    KINDS,
    AudienceChoiceError,
    checked,
    choice_of,
    choose,
)
from coordinator.web.i18n import translator
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.audience_labels import AUDIENCE_LABELS, KIND_LABELS
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES

PATH = "/messages/audiences"


async def _show(
    request: web.Request, chosen: Mapping[str, tuple[str, ...]], problem: str, status: int = 200
) -> web.Response:
    context = await page_context(request)
    context.update(
        kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        audiences=[(name, AUDIENCE_LABELS[name]) for name in AUDIENCES],
        chosen=chosen,
        problem=problem,
        saved=request.query.get("saved") == "1",
    )
    return render("audience_choice.html", request, context, status=status)


@allow("admin", region_only=True)
async def audience_page(request: web.Request) -> web.Response:
    region = request[VIEWER].user.scope_id
    settings = request.app[SETTINGS].notifications
    chosen = await choice_of(request.app[STORE], settings, region)
    return await _show(request, {str(kind): names for kind, names in chosen.items()}, "")


@allow("admin", region_only=True)
async def save_audiences(request: web.Request) -> web.StreamResponse:
    user = request[VIEWER].user
    form = await request.post()
    wanted = {str(key): [str(v) for v in form.getall(key)] for key in set(form) if key != "_csrf"}
    try:
        choice = checked(wanted)
    except AudienceChoiceError as error:
        gettext = translator(request).gettext
        field = KIND_LABELS.get(error.field) or error.field
        problem = gettext("“%(field)s” has no recipient “%(value)s”.") % {
            "field": gettext(field),
            "value": error.value,
        }
        typed = {str(kind): tuple(wanted.get(kind, ())) for kind in KINDS}
        return await _show(request, typed, problem, status=400)
    settings = request.app[SETTINGS].notifications
    now = request.app[PAGES].clock()
    await choose(request.app[STORE], settings, user.scope_id, choice, actor=user.username, now=now)
    raise web.HTTPSeeOther(f"{PATH}?saved=1")


def routes() -> list[web.RouteDef]:
    return [web.get(PATH, audience_page), web.post(PATH, save_audiences)]
