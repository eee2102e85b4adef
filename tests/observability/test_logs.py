"""JSON log lines: one object per line, the request id, and never a token."""

from __future__ import annotations

import json
import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.observability.logs import JsonFormatter, scrub
from coordinator.observability.request_context import REQUEST_ID, request_id_from
from coordinator.settings import Settings
from coordinator.store import Store

Client = TestClient[web.Request, web.Application]
FEED_TOKEN = "Zq3xT9kLmN2pR7vW4yB8cD1eF6gH0jKs"


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("coordinator.test", logging.INFO, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /feeds/{FEED_TOKEN}.ics 200", "GET /feeds/[token].ics 200"),
        ("Authorization: Bearer cot_abc.def", "Authorization: [redacted]"),
        ("sent Bearer abcdef123 twice", "sent Bearer [redacted] twice"),
        ("/live?key=s3cr3t&token=t0k3n&x=1", "/live?key=[redacted]&token=[redacted]&x=1"),
        ("token cot_AbC_123 issued", "token cot_[redacted] issued"),
        ("GET /a/eyJ1IjozfQ.sig-nature_x 200", "GET /a/[token] 200"),
        ("GET /data/a/b 200", "GET /data/a/b 200"),
    ],
)
def test_scrub_removes_tokens(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_json_formatter_writes_one_object_with_the_request_id() -> None:
    context = REQUEST_ID.set("req-42")
    try:
        line = JsonFormatter().format(
            record("GET %s", f"/feeds/{FEED_TOKEN}.ics", route="/feeds/{token}.ics", status=200)
        )
    finally:
        REQUEST_ID.reset(context)

    parsed = json.loads(line)
    assert "\n" not in line
    assert parsed["message"] == "GET /feeds/[token].ics"
    assert (parsed["level"], parsed["logger"], parsed["request_id"]) == (
        "INFO",
        "coordinator.test",
        "req-42",
    )
    assert (parsed["route"], parsed["status"]) == ("/feeds/{token}.ics", 200)
    assert parsed["time"].endswith("+00:00")


@pytest.mark.parametrize(
    ("header", "kept"),
    [("abc-123_x.y:z", True), ("x" * 129, False), ("bad id\n", False), ("", False), (None, False)],
)
def test_request_id_from_keeps_only_sane_ids(header: str | None, kept: bool) -> None:
    assert (request_id_from(header) == header) is kept


async def test_access_log_names_the_route_template_never_the_token(
    aiohttp_client: AiohttpClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aiohttp_client(create_app(Settings(), store))
    caplog.set_level(logging.INFO, logger="coordinator.access")

    response = await client.get(f"/feeds/{FEED_TOKEN}.ics", headers={"X-Request-Id": "abc-1"})

    assert response.status == 404
    assert response.headers["X-Request-Id"] == "abc-1"
    (entry,) = [r for r in caplog.records if r.name == "coordinator.access"]
    line = json.loads(JsonFormatter().format(entry))
    assert (line["route"], line["status"], line["method"]) == ("/feeds/{token}.ics", 404, "GET")
    assert line["request_id"] == "abc-1"
    assert isinstance(line["duration_ms"], float)
    assert FEED_TOKEN not in json.dumps(line)


async def test_a_new_request_id_is_made_when_the_client_sends_none(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    client = await aiohttp_client(create_app(Settings(), store))

    first = await client.get("/healthz")
    second = await client.get("/healthz", headers={"X-Request-Id": "no spaces allowed"})

    assert len(first.headers["X-Request-Id"]) == 32
    assert second.headers["X-Request-Id"] not in {
        "no spaces allowed",
        first.headers["X-Request-Id"],
    }
