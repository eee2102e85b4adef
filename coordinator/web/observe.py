"""The first middleware: a request id, latency by route template, one access log line; /metrics.

Only the route template is ever logged or labelled (`/feeds/{token}.ics`), never the path,
so feed tokens stay out of logs and metrics. `/metrics` answers only this machine (a request
a proxy forwarded is not this machine's) or a scraper sending the metrics token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from coordinator.observability.metrics import exposition, observe_request
from coordinator.observability.request_context import HEADER, REQUEST_ID, request_id_from
from coordinator.web.keys import SETTINGS

access_log = logging.getLogger("coordinator.access")
UNMATCHED = "(unmatched)"
FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
CLIENT_GONE = 499  # nginx's code for a client that closed the connection first


def route_of(request: web.Request) -> str:
    """The matched route's template; one label for every unknown path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request_id_from(request.headers.get(HEADER))
    context = REQUEST_ID.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        if not response.prepared:
            response.headers[HEADER] = request_id
        return response
    except web.HTTPException as error:
        status = error.status
        error.headers[HEADER] = request_id
        raise
    except asyncio.CancelledError:
        status = CLIENT_GONE
        raise
    finally:
        seconds = time.perf_counter() - started
        route = route_of(request)
        observe_request(route, request.method, status, seconds)
        _access(request.method, route, status, seconds, request_id)
        REQUEST_ID.reset(context)


def _access(method: str, route: str, status: int, seconds: float, request_id: str) -> None:
    if access_log.isEnabledFor(logging.INFO):
        duration_ms = round(seconds * 1000, 2)
        extra = {
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "method": method,
            "request_id": request_id,
        }
        access_log.info("%s %s %d %.2f ms", method, route, status, duration_ms, extra=extra)


def metrics_allowed(request: web.Request, token: str, local: tuple[str, ...]) -> bool:
    """With a token set, exactly that bearer token; without, a direct request from a local
    address (one a proxy forwarded carries its headers and is refused)."""
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            sent.strip().encode(), token.encode()
        )
    forwarded = any(name in request.headers for name in FORWARDED)
    return request.remote in local and not forwarded


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics in Prometheus' text format (every worker's, with PROMETHEUS_MULTIPROC_DIR)."""
    settings = request.app[SETTINGS]
    token = settings.metrics_token.get_secret_value()
    if not metrics_allowed(request, token, settings.metrics_from):
        if token:
            challenge = {"WWW-Authenticate": 'Bearer realm="metrics"'}
            raise web.HTTPUnauthorized(text="send the metrics token\n", headers=challenge)
        raise web.HTTPForbidden(text="metrics are served to this machine only\n")
    body, content_type = exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})
