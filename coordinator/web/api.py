"""The JSON API for assistants' phones and scripts: check-ins and their lessons (Bearer tokens).

Errors keep the one JSON shape; field errors add `error.field`. A lesson outside the caller's
classrooms answers 404, as if it did not exist (NotFoundError's rule): lesson keys are
guessable, and a token must not learn which lessons other schools have.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator.attendance import (
    AuthenticationError,
    CorrectionClosedError,
    IdempotencyKeyError,
    IdempotencyKeyReusedError,
    ReportError,
    Submission,
    fingerprint,
    parse_idempotency_key,
    parse_report,
)
from coordinator.services.accounts.api_tokens import hash_token
from coordinator.services.accounts.secret import secret_key
from coordinator.services.checkins import (
    AssistantLesson,
    CheckinConfig,
    CheckinUnavailableError,
    CheckinWriter,
    assistant_lessons,
)
from coordinator.services.streaming.links import classroom_url, links_by_ids
from coordinator.services.streaming.page_links import ClassroomLink
from coordinator.services.streaming.teacher_links import watch_page_links
from coordinator.streams import StreamsSettings
from coordinator.web.auth import assistant_of, bearer_token, unauthorized
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.middlewares import error_body

CHECK_INS = "/api/v1/check-ins"
MAX_BODY = 16 * 1024
MAX_DAYS = 62
MAX_DEPTH = 8  # a report nests two levels; anything deeper is not one
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
CHECKIN_CONFIG = web.AppKey("checkin_config", CheckinConfig)
CHECKIN_WRITER = web.AppKey("checkin_writer", CheckinWriter)
Handler = Callable[[web.Request], Awaitable[web.Response]]


class QueryError(ReportError):
    """A bad query parameter (`field` names it)."""

    code = "invalid_query"


async def checkin_writer(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the group-commit writer runs while the app does (after the store opens)."""
    writer = CheckinWriter(app[STORE], app.get(CHECKIN_CONFIG) or CheckinConfig())
    await writer.start()
    app[CHECKIN_WRITER] = writer
    yield
    await writer.stop()


def api_errors(handler: Handler) -> Handler:
    """The API's refusals as HTTP: 400, 401, 409, 422, 503; the middleware does the rest."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except AuthenticationError as error:
            return unauthorized(request, error)
        except ReportError as error:
            body = error_body(400, str(error), error.code)
            body["error"]["field"] = error.field  # type: ignore[index]
            return web.json_response(body, status=400)
        except IdempotencyKeyError as error:
            return _error(400, error.code, error)
        except CorrectionClosedError as error:
            return _error(409, error.code, error)
        except IdempotencyKeyReusedError as error:
            return _error(422, error.code, error)
        except CheckinUnavailableError as error:
            return _error(503, error.code, error, headers={"Retry-After": "1"})

    return wrapper


def _error(
    status: int, code: str, error: Exception, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(error_body(status, str(error), code), status=status, headers=headers)


@api_errors
async def post_check_in(request: web.Request) -> web.Response:
    """Record a check-in, end report or problem; retries with the same key get the same answer."""
    token = bearer_token(request)
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    body = await _json_body(request)
    config = request.app[CHECKIN_WRITER].config
    submission = Submission(
        token_hash=hash_token(token),
        key=key,
        fingerprint=fingerprint("POST", CHECK_INS, body),
        report=parse_report(body),
        received_at=config.clock(),
    )
    answer = await request.app[CHECKIN_WRITER].submit(submission)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return web.json_response(answer.body, status=answer.status, headers=headers)


async def _json_body(request: web.Request) -> Any:
    """The decoded body: UTF-8 JSON (RFC 8259, whatever the charset says), of bounded size/depth."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise _too_large()
    if length is not None:
        raw: bytes | bytearray = await request.read()  # exactly Content-Length bytes
    else:  # chunked: read no more than the limit
        raw = bytearray()
        async for chunk in request.content.iter_chunked(MAX_BODY):
            raw += chunk
            if len(raw) > MAX_BODY:
                raise _too_large()
    try:
        body = json.loads(raw)
    except RecursionError:
        raise ReportError("body", f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # UnicodeDecodeError included
        raise ReportError("body", f"not valid JSON: {error}") from None
    _check_shape(body)
    return body


def _too_large() -> ReportError:
    return ReportError("body", f"larger than {MAX_BODY} bytes")


def _check_shape(value: Any) -> None:
    """Bounded nesting, no NUL characters (no database stores them) and no lone surrogates
    (JSON's `\\ud800` decodes to a string UTF-8 cannot hold), level by level."""
    depth, level = 0, [value]
    while level:
        texts = [item for item in level if isinstance(item, str)]
        if any("\x00" in item for item in texts):
            raise ReportError("body", "a NUL character (\\u0000) in a string")
        if any(_LONE_SURROGATE.search(item) for item in texts):
            raise ReportError("body", "a lone surrogate (\\ud800–\\udfff) in a string")
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in ([*item, *item.values()] if isinstance(item, dict) else item)
        ]
        depth += 1
        if depth > MAX_DEPTH + 1:
            raise ReportError("body", f"nested deeper than {MAX_DEPTH} levels")


@api_errors
async def get_lessons(request: web.Request) -> web.Response:
    """The caller's lessons dated from..to (inclusive), times in their school's offset."""
    assistant_id = await assistant_of(request)
    settings = request.app[SETTINGS]
    first, last = _date_range(request, settings.default_time_zone)
    base = settings.server.public_url or str(request.url.origin())
    pages = watch_page_links(functools.partial(secret_key, settings), base)
    zone, lessons = await assistant_lessons(
        request.app[STORE], assistant_id=assistant_id, first=first, last=last
    )
    body = {
        "assistant_id": assistant_id,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "time_zone": zone,
        "lessons": [
            lesson_json(lesson, ZoneInfo(zone), settings.streams, pages) for lesson in lessons
        ],
    }
    return web.json_response(body)


def lesson_json(
    lesson: AssistantLesson, zone: ZoneInfo, streams: StreamsSettings, pages: ClassroomLink
) -> dict[str, Any]:
    links = (
        None
        if lesson.status == "cancelled"
        else links_by_ids(
            streams,
            lesson_key=lesson.key,
            revision=lesson.revision,
            start=lesson.start,
            end=lesson.end,
            teacher_id=lesson.teacher["id"],
            teacher_school_id=lesson.teacher.get("school_id"),
            classroom_ids=lesson.classroom_ids,
        )
    )
    rooms = lesson.classroom_ids if links else []
    return {
        "key": lesson.key,
        "date": lesson.date.isoformat(),
        "start": lesson.start.astimezone(zone).isoformat(),
        "end": lesson.end.astimezone(zone).isoformat(),
        "status": lesson.status,
        "revision": lesson.revision,
        "subject": lesson.subject,
        "teacher": lesson.teacher,
        "classroom_ids": lesson.classroom_ids,
        "reported": lesson.reported,
        "links": {room: classroom_url(links, room) for room in rooms},  # for a player app
        # what a person opens: the signed watch page (or the meeting's join link)
        "watch_pages": {room: page for room in rooms if (page := pages(links, room))},
    }


def _date_range(request: web.Request, time_zone: str) -> tuple[dt.date, dt.date]:
    """?from=DATE&to=DATE, inclusive; default: this week from today in the schools' zone."""
    today = request.app[CHECKIN_WRITER].config.clock().astimezone(ZoneInfo(time_zone)).date()
    first = _date_param(request, "from") or today
    last = _date_param(request, "to") or first + dt.timedelta(days=6)
    if last < first:
        raise QueryError("to", f"{last} is before from={first}")
    if (last - first).days >= MAX_DAYS:
        raise QueryError("to", f"at most {MAX_DAYS} days at a time")
    return first, last


def _date_param(request: web.Request, name: str) -> dt.date | None:
    value = request.query.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def routes() -> list[web.RouteDef]:
    return [web.post(CHECK_INS, post_check_in), web.get("/api/v1/lessons", get_lessons)]
