"""nginx-rtmp callbacks: POST /api/v1/streams/on_publish, on_play, on_publish_done, on_play_done.

nginx-rtmp treats any 2xx answer as "allow" and anything else as "refuse"; it posts form
fields (`name`, `addr`, ...) with the push or play URL's query arguments (`key`, `token`).
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from coordinator.services.streaming.callbacks import stream_callback
from coordinator.web.keys import SETTINGS, STORE

KINDS = ("publish", "play", "publish_done", "play_done")


def _handler(kind: str) -> web.RouteDef:
    async def callback(request: web.Request) -> web.Response:
        settings = request.app[SETTINGS]
        if request.remote not in settings.stream_callbacks_from:
            raise web.HTTPForbidden(text=f"callbacks are not accepted from {request.remote}\n")
        form = {key: str(value) for key, value in (await request.post()).items()}
        if any("\x00" in text for item in form.items() for text in item):  # not storable
            raise web.HTTPForbidden(text="NUL characters in the callback's fields\n")
        verdict = await stream_callback(
            request.app[STORE],
            settings.streams,
            kind=kind,
            form=form,
            client_address=form.get("addr", request.remote or ""),
            now=dt.datetime.now(dt.UTC),
        )
        if not verdict.ok:
            raise web.HTTPForbidden(text=f"{verdict.reason.value}\n")
        return web.Response(text="ok\n")

    return web.post(f"/api/v1/streams/on_{kind}", callback)


def routes() -> list[web.RouteDef]:
    return [_handler(kind) for kind in KINDS]
