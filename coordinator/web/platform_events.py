"""What meeting platforms post to coordinator: POST /api/platforms/classin/events.

ClassIn's data subscription posts JSON signed with SafeKey; a message that is not ClassIn's
is refused (403) and one that is gets ClassIn's "received" answer, which stops its retries.
It is the platform's webhook, not part of the documented JSON API (`/api/v1/`).
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from coordinator.services.streaming.classin_events import record_class_end
from coordinator.streams.classin_push import RECEIVED, PushRefused, read_push
from coordinator.web.keys import SETTINGS, STORE


async def classin_events(request: web.Request) -> web.Response:
    section = request.app[SETTINGS].streams.classin
    if section is None:
        raise web.HTTPNotFound(text="[streams.classin] is not configured\n")
    try:
        ended = read_push(await request.read(), section)
    except PushRefused as error:
        raise web.HTTPForbidden(text=f"{error}\n") from error
    if ended is not None:
        await record_class_end(request.app[STORE], section, ended, dt.datetime.now(dt.UTC))
    return web.json_response(RECEIVED)


def routes() -> list[web.RouteDef]:
    return [web.post("/api/platforms/classin/events", classin_events)]
