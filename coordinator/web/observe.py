"""The first middleware: a request id, latency by route template, one access log line.

Only the route template is ever logged or labelled (`/feeds/{token}.ics`), never the path,
so feed tokens stay out of logs and metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from coordinator.observability.metrics import exposition, observe_request
from coordinator.observability.request_context import HEADER, REQUEST_ID, request_id_from

access_log = logging.getLogger("coordinator.access")
UNMATCHED = "(unmatched)"
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


async def metrics(_request: web.Request) -> web.Response:
    """GET /metrics in Prometheus' text format (every worker's, with PROMETHEUS_MULTIPROC_DIR)."""
    body, content_type = exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})
