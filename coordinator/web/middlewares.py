"""Domain errors become HTTP answers in one place; every JSON error has one shape."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from coordinator.errors import CoordinatorError, NotFoundError

log = logging.getLogger(__name__)


def error_body(status: int, message: str, code: str) -> dict[str, object]:
    return {"error": {"status": status, "code": code, "message": message}}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NotFoundError as error:
        return web.json_response(error_body(404, str(error), "not_found"), status=404)
    except CoordinatorError as error:
        return web.json_response(error_body(400, str(error), "bad_request"), status=400)
