"""The assistant's phone page and the one call that gives its outbox a personal API token."""

from __future__ import annotations

from aiohttp import web

from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.checkins.assistant_page import WEEK_DAYS, assistant_week
from coordinator.web.i18n import LANGUAGE
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.watch import signer

NO_STORE = {"Cache-Control": "no-store"}
LABEL_LIMIT = 60


@allow("assistant")
async def assistant_page(request: web.Request) -> web.Response:
    """Today's and the coming days' lessons of the signed-in assistant's own classrooms."""
    viewer = request[VIEWER]
    now = request.app[PAGES].clock()
    week = await assistant_week(
        request.app[STORE],
        viewer.directory,
        request.app[SETTINGS].streams,
        assistant_id=viewer.user.scope_id,
        now=now,
        language=request[LANGUAGE],
        signer=signer(request),  # the classroom's link opens the watch page
    )
    context = await page_context(request)
    context.update(
        week=week,
        assistant=viewer.directory.assistants.get(week.assistant_id),
        synced=now.isoformat(timespec="seconds"),  # a copy on the phone says how old it is
        week_days=WEEK_DAYS,
    )
    response = render("assistant.html", request, context)
    response.headers.update(NO_STORE)
    return response


@allow("assistant")
async def device_token(request: web.Request) -> web.Response:
    """A new personal API token for this phone's outbox (CSRF-checked POST, shown only here)."""
    viewer = request[VIEWER]
    agent = request.headers.get("User-Agent", "")[:LABEL_LIMIT]
    issued = await issue_token(
        request.app[STORE],
        assistant_id=viewer.user.scope_id,
        now=request.app[PAGES].clock(),
        label=f"phone page: {agent}",
    )
    body = {"token": issued.token, "token_id": issued.id, "assistant_id": issued.assistant_id}
    return web.json_response(body, status=201, headers=NO_STORE)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/assistant", assistant_page),
        web.post("/assistant/token.json", device_token),
    ]
