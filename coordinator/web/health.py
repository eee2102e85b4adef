"""Liveness and readiness for load balancers and systemd."""

from __future__ import annotations

import os

from aiohttp import web
from sqlalchemy import text

from coordinator.store.schema import current_revision, head_revision
from coordinator.web.keys import STORE


async def healthz(_request: web.Request) -> web.Response:
    """Alive: the process answers (and says which worker it is)."""
    return web.json_response({"status": "ok", "worker": os.getpid()})


async def readyz(request: web.Request) -> web.Response:
    """Ready: the database answers and its schema is the newest."""
    store = request.app[STORE]
    try:
        async with store.read() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        revision = await current_revision(store)
    except (OSError, ConnectionError) as error:
        return web.json_response({"status": "unavailable", "database": str(error)}, status=503)
    head = head_revision()
    if revision != head:
        body = {"status": "migrations pending", "current": revision, "head": head}
        return web.json_response(body, status=503)
    return web.json_response({"status": "ok", "revision": revision})


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz), web.get("/readyz", readyz)]
