"""The OpenAPI 3.1 description of the JSON API, built by hand from the parsers' rules.

The API reads its bodies with strict hand-written parsers (coordinator.attendance.reports),
not with pydantic models, so the schemas here restate those rules; tests/web/test_openapi.py
checks them against the parsers' constants and schemathesis checks the server against them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from coordinator.attendance.idempotency import MAX_KEY
from coordinator.attendance.reports import MAX_ID, MAX_NOTE, MAX_STUDENTS, Problem, StreamQuality
from coordinator.web.api import CHECK_INS, MAX_DAYS
from coordinator.web.streams import KINDS

OPENAPI_PATH = "/api/v1/openapi.json"
Json = dict[str, Any]


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Json, description: str, headers: Json | None = None) -> Json:
    answer: Json = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _error(description: str) -> Json:
    return _json(_ref("Error"), description)


def _text(description: str) -> Json:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


SLOW_BODY = "the body did not arrive within [server] body_timeout_s; the connection closes"
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string", "description": "the offending field, when one is"},
            },
        }
    },
}
EXAMPLE = {
    "lesson_key": "s-music@2026-11-23",
    "classroom_id": "c-east-3",
    "kind": "check_in",
    "device_time": "2026-11-23T09:11:00+08:00",
    "fields": {"stream_up": True, "students_present": 30},
}
IDENTIFIER = {"type": "string", "minLength": 1, "maxLength": MAX_ID, "pattern": r"\S"}
COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_STUDENTS}
NOTE = {"type": "string", "maxLength": MAX_NOTE}


def _report(kind: str, fields: Json, required: list[str]) -> Json:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["lesson_key", "classroom_id", "kind", "device_time", "fields"],
        "properties": {
            "lesson_key": IDENTIFIER,
            "classroom_id": IDENTIFIER,
            "kind": {"const": kind},
            "device_time": {"type": "string", "format": "date-time"},
            "fields": {
                "type": "object",
                "additionalProperties": False,
                "required": required,
                "properties": {**fields, "note": NOTE},
            },
        },
    }


SCHEMAS: Json = {
    "Error": ERROR,
    "Report": {
        "oneOf": [
            _report(
                "check_in",
                {"stream_up": {"type": "boolean"}, "students_present": COUNT},
                ["stream_up", "students_present"],
            ),
            _report(
                "end_report",
                {
                    "students_present": COUNT,
                    "stream_quality": {"enum": [q.value for q in StreamQuality]},
                    "teacher_showed": {"type": "boolean"},
                },
                ["students_present", "stream_quality", "teacher_showed"],
            ),
            _report("problem", {"problem": {"enum": [p.value for p in Problem]}}, ["problem"]),
        ]
    },
    "Answer": {
        "type": "object",
        "required": ["outcome", "report"],
        "properties": {
            "outcome": {"enum": ["recorded", "corrected", "unchanged"]},
            "report": {"type": "object"},
            "id": {"type": "integer"},
        },
    },
    "Lessons": {
        "type": "object",
        "required": ["assistant_id", "from", "to", "time_zone", "lessons"],
        "properties": {
            "assistant_id": {"type": "string"},
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "time_zone": {"type": "string"},
            "lessons": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string"}},
    },
}


def _check_ins() -> Json:
    key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": True,
        "description": "a new unique key per report, the same on every retry of it",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
    }
    replayed = {"Idempotent-Replayed": {"schema": {"const": "true"}}}
    return {
        "post": {
            "operationId": "postCheckIn",
            "summary": "Record a check-in, end report or problem, exactly once per key.",
            "security": [{"bearer": []}],
            "parameters": [key],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Report"), "example": EXAMPLE}},
            },
            "responses": {
                "200": _json(_ref("Answer"), "a retry: the first answer again", replayed),
                "201": _json(_ref("Answer"), "recorded"),
                "400": _error("a bad body, field or Idempotency-Key (error.field names it)"),
                "401": _error("no or no valid Bearer token"),
                "404": _error("no such lesson or classroom for this token"),
                "408": _error(SLOW_BODY),
                "409": _error("the correction window has closed"),
                "422": _error("the Idempotency-Key was used for a different request"),
                "503": _error("the server cannot store it now; retry (Retry-After)"),
            },
        }
    }


def _lessons() -> Json:
    date = {"type": "string", "format": "date"}
    return {
        "get": {
            "operationId": "getLessons",
            "summary": f"The caller's lessons from..to (inclusive, at most {MAX_DAYS} days).",
            "security": [{"bearer": []}],
            "parameters": [
                {"name": "from", "in": "query", "schema": date},
                {"name": "to", "in": "query", "schema": date},
            ],
            "responses": {
                "200": _json(_ref("Lessons"), "the lessons"),
                "400": _error("a bad date or range (error.field names it)"),
                "401": _error("no or no valid Bearer token"),
            },
        }
    }


def _stream_callback(kind: str) -> Json:
    form = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in ("name", "addr", "key", "token")},
    }
    return {
        "post": {
            "operationId": f"streamOn{kind.title().replace('_', '')}",
            "summary": f"nginx-rtmp's on_{kind} callback: 2xx allows, 403 refuses.",
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
            "responses": {
                "200": _text("allowed"),
                "400": _error("streaming is not configured ([streams.rtmp])"),
                "403": _text("refused, with the reason"),
                "408": _error(SLOW_BODY),
            },
        }
    }


def _health(operation: str, ready: bool) -> Json:
    responses = {"200": _json(_ref("Health"), "ok")}
    if ready:
        responses["503"] = _json(_ref("Health"), "database unreachable or migrations pending")
    return {"get": {"operationId": operation, "responses": responses}}


def document() -> Json:
    paths: Json = {
        CHECK_INS: _check_ins(),
        "/api/v1/lessons": _lessons(),
        **{f"/api/v1/streams/on_{kind}": _stream_callback(kind) for kind in KINDS},
        "/healthz": _health("healthz", ready=False),
        "/readyz": _health("readyz", ready=True),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "coordinator", "version": "1", "description": "Check-ins and lessons."},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


async def openapi(_request: web.Request) -> web.Response:
    """GET /api/v1/openapi.json."""
    return web.json_response(document())


def routes() -> list[web.RouteDef]:
    return [web.get(OPENAPI_PATH, openapi)]
