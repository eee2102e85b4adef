"""The served OpenAPI document, and malformed bodies answered 400 in the one error shape."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient
from schemathesis.core.result import Ok

from coordinator.app import create_app
from coordinator.services.checkins import CheckinConfig
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.web.api import CHECKIN_CONFIG, MAX_BODY
from coordinator.web.openapi import OPENAPI_PATH, document
from tests.attendance.seed import Clock, seed
from tests.web.test_api_checkins import check_in

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def api(aiohttp_client: AiohttpClient, store: Store) -> tuple[Client, str]:
    seeded = await seed(store)
    app = create_app(Settings(), store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=Clock())
    return await aiohttp_client(app), seeded.li


async def test_openapi_is_served_and_loads_in_schemathesis(api: tuple[Client, str]) -> None:
    client, _ = api

    response = await client.get(OPENAPI_PATH)
    served = await response.json()

    assert response.status == 200
    assert served == document()
    results = list(schemathesis.openapi.from_dict(served).get_all_operations())
    assert [type(result) for result in results] == [Ok] * 8


async def test_openapi_documents_every_json_api_route(api: tuple[Client, str]) -> None:
    client, _ = api
    app_paths = {
        resource.canonical
        for resource in client.app.router.resources()
        if resource.canonical.startswith("/api/v1/")
    }

    assert app_paths - {OPENAPI_PATH} == set(document()["paths"]) - {"/healthz", "/readyz"}


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("body", "content_type", "field", "words"),
    [
        (b'{"kind": "check_in\xff\xfe"}', "application/json", "body", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "application/json; charset=latin-9x", "body", "not valid JSON"),
        (b" " * (MAX_BODY + 1), "application/json", "body", "larger than"),
        (nested(100_000)[: MAX_BODY - 10], "application/json", "body", "nested"),
        (nested(5_000), "application/json", "body", "nested"),
        (b"[1, 2]", "application/json", "body", "must be a JSON object"),
        (b'{"kind": 7}', "application/json", "kind", "is not one of"),
        (b'{"kind": "check_in\\ud800"}', "application/json", "body", "lone surrogate"),
        (b'{"fields": {"note": ["\\udfff"]}}', "application/json", "body", "lone surrogate"),
        (b'{"\\ud800": 1}', "application/json", "body", "lone surrogate"),
    ],
    ids=[
        "non-utf8",
        "bad-charset",
        "huge",
        "truncated-deep",
        "deep",
        "array",
        "wrong-type",
        "lone-surrogate",
        "lone-surrogate-nested",
        "lone-surrogate-key",
    ],
)
async def test_malformed_bodies_get_400_with_a_clear_message(
    api: tuple[Client, str], body: bytes, content_type: str, field: str, words: str
) -> None:
    client, token = api
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": str(uuid.uuid4()),
        "Content-Type": content_type,
    }

    response = await client.post("/api/v1/check-ins", data=body, headers=headers)
    answer: dict[str, Any] = await response.json()

    assert response.status == 400
    assert set(answer["error"]) == {"status", "code", "message", "field"}
    assert (answer["error"]["status"], answer["error"]["field"]) == (400, field)
    assert words in answer["error"]["message"]


async def test_a_huge_chunked_body_gets_400(api: tuple[Client, str]) -> None:
    client, token = api
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(300):
            yield b" " * 8192

    response = await client.post("/api/v1/check-ins", data=chunks(), headers=headers)

    assert response.status == 400
    assert "larger than" in (await response.json())["error"]["message"]


async def test_a_deep_but_valid_note_is_refused_not_crashed(api: tuple[Client, str]) -> None:
    client, token = api
    body = check_in()
    body["fields"]["note"] = {"a": None}
    for _ in range(900):
        body["fields"]["note"] = {"a": body["fields"]["note"]}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}

    response = await client.post("/api/v1/check-ins", json=body, headers=headers)

    assert response.status == 400


async def test_a_nul_character_in_a_string_gets_400_not_503(
    api: tuple[Client, str],
) -> None:
    client, token = api
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}

    response = await client.post(
        "/api/v1/check-ins", json=check_in(lesson="s-music\x00@2026-11-23"), headers=headers
    )

    assert response.status == 400
    assert "NUL" in (await response.json())["error"]["message"]
