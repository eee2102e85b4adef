"""Domain errors become HTTP answers in one place; every JSON error has one shape."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

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


class BodyTimeoutError(Exception):
    """The request body did not arrive in time."""


def body_deadline(timeout_s: float) -> Middleware:
    """A request body must arrive whole within `timeout_s` seconds of the handler starting, or
    the answer is 408 and the connection closes: a client sending 1 byte every 10 s would
    otherwise hold a worker's connection for ever. The body is not buffered, so uploads
    still stream to disk; the deadline only fails a read that is still waiting."""

    @web.middleware
    async def deadline(request: web.Request, handler: Handler) -> web.StreamResponse:
        content = request.content
        if not request.body_exists or content.is_eof():
            return await handler(request)
        expired = asyncio.Event()

        def expire() -> None:
            if not content.is_eof():
                expired.set()
                content.set_exception(BodyTimeoutError(f"body not received in {timeout_s:g} s"))

        timer = asyncio.get_running_loop().call_later(timeout_s, expire)
        try:
            return await handler(request)
        except Exception:
            if not expired.is_set():
                raise
            log.info(
                "request body timed out after %s s: %s %s", timeout_s, request.method, request.path
            )
            return _timed_out(request, timeout_s)
        finally:
            timer.cancel()

    return deadline


def _timed_out(request: web.Request, timeout_s: float) -> web.Response:
    message = f"The request body did not arrive within {timeout_s:g} seconds."
    if request.path.startswith("/api/"):
        response = web.json_response(error_body(408, message, "request_timeout"), status=408)
    else:  # a page's form or upload: Chinese first, as the pages are
        chinese = f"请求内容未在 {timeout_s:g} 秒内传完，请重试。"
        response = web.Response(status=408, text=f"{chinese}\n{message}\n")
    response.force_close()
    return response
