"""The teacher's go-live page: a signed per-lesson link, in feeds instead of the push key."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator.services.accounts.secret import secret_key
from coordinator.services.data.directory import Directory
from coordinator.services.streaming.go_live import GoLiveView, go_live_view
from coordinator.streams.watch import WatchSigner
from coordinator.web.i18n import LANGUAGE
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import DIRECTORY
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES

NO_STORE = {"Cache-Control": "no-store"}
STATE_POLL_S = 3


def go_live_signer(request: web.Request) -> WatchSigner:
    return WatchSigner(secret_key(request.app[SETTINGS]).hex(), purpose="go-live")


async def _view(request: web.Request) -> tuple[GoLiveView, Directory]:
    now = request.app[PAGES].clock()
    ticket = go_live_signer(request).read(request.match_info["token"], now=now)
    directory = await request.app[DIRECTORY].directory()
    streams = request.app[SETTINGS].streams
    return await go_live_view(request.app[STORE], directory, streams, ticket, now=now), directory


async def go_live_page(request: web.Request) -> web.Response:
    """Server and stream key (only inside the lesson's window), a guide, the live status."""
    view, directory = await _view(request)
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    context = await page_context(request)
    context.update(
        view=view,
        subject=directory.subject_name(view.subject_id, request[LANGUAGE]),
        local={
            name: getattr(view, name).astimezone(zone)
            for name in ("start", "end", "opens", "closes")
        },
        token=request.match_info["token"],
        poll_s=STATE_POLL_S,
    )
    response = render("go_live.html", request, context)
    response.headers.update(NO_STORE)
    return response


async def go_live_state(request: web.Request) -> web.Response:
    """The live status, and the newest push the streaming server saw (the TEST button's)."""
    view, _ = await _view(request)
    push = view.push
    body = {
        "state": view.state,
        "watching": view.watching if view.open_now else 0,
        "push": {"at": push.at.isoformat(), "accepted": push.accepted, "reason": push.reason}
        if push
        else None,
    }
    return web.json_response(body, headers=NO_STORE)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/go-live/{token}", go_live_page),
        web.get("/go-live/{token}/state.json", go_live_state),
    ]
