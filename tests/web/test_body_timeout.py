"""A request body that trickles in is cut off with 408; one that arrives in time is not."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from coordinator.app import create_app
from coordinator.settings import ServerSettings, Settings
from coordinator.store import Store
from coordinator.web.openapi import document
from tests.attendance.seed import Seeded, seed

DEADLINE_S = 2.0  # pieces sent 0.1 s apart stay far inside it, however busy the machine
HANG_GUARD_S = 15.0  # the test fails rather than hangs
SIGNIN = b"_csrf=x&username=admin&password=wrong-password"


@pytest.fixture
async def server(aiohttp_server: AiohttpServer, store: Store) -> tuple[TestServer, Seeded]:
    seeded = await seed(store)
    settings = Settings(server=ServerSettings(body_timeout_s=DEADLINE_S))
    return await aiohttp_server(create_app(settings, store)), seeded


@contextlib.asynccontextmanager
async def connection(
    server: TestServer,
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def head(path: str, length: int, content_type: str, *extra: str) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def trickle(writer: asyncio.StreamWriter, body: bytes, pause_s: float) -> None:
    """Send `body` a byte at a time, `pause_s` apart, until done or the server hangs up."""
    with contextlib.suppress(ConnectionError):
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(pause_s)


async def answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    status_line = await reader.readline()
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


async def test_form_body_sent_a_byte_at_a_time_gets_408_and_the_connection_closes(
    server: tuple[TestServer, Seeded],
) -> None:
    async with connection(server[0]) as (reader, writer):
        writer.write(head("/signin", len(SIGNIN), "application/x-www-form-urlencoded"))
        sender = asyncio.create_task(trickle(writer, SIGNIN, pause_s=10.0))  # 1 byte / 10 s

        status, headers, body = await asyncio.wait_for(answer(reader), HANG_GUARD_S)
        closed = await asyncio.wait_for(reader.read(), HANG_GUARD_S)
        sender.cancel()

    assert (status, headers["connection"].lower(), closed) == (408, "close", b"")
    assert f"did not arrive within {DEADLINE_S:g} seconds".encode() in body


async def test_check_in_body_sent_slowly_gets_the_json_408(
    server: tuple[TestServer, Seeded],
) -> None:
    _, seeded = server
    body = json.dumps({"kind": "check_in", "lesson_key": "x"}).encode()
    extra = (f"Authorization: Bearer {seeded.li}", "Idempotency-Key: slow-1")
    async with connection(server[0]) as (reader, writer):
        writer.write(head("/api/v1/check-ins", len(body), "application/json", *extra))
        sender = asyncio.create_task(trickle(writer, body, pause_s=10.0))  # 1 byte / 10 s

        status, _, answered = await asyncio.wait_for(answer(reader), HANG_GUARD_S)
        sender.cancel()

    assert status == 408
    assert json.loads(answered)["error"] == {
        "status": 408,
        "code": "request_timeout",
        "message": f"The request body did not arrive within {DEADLINE_S:g} seconds.",
    }


async def test_body_arriving_in_pieces_within_the_deadline_is_read_normally(
    server: tuple[TestServer, Seeded],
) -> None:
    async with connection(server[0]) as (reader, writer):
        writer.write(head("/signin", len(SIGNIN), "application/x-www-form-urlencoded"))
        for piece in (SIGNIN[:10], SIGNIN[10:30], SIGNIN[30:]):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.1)

        status, _, _ = await asyncio.wait_for(answer(reader), HANG_GUARD_S)

    assert status == 403  # the form was read whole: its CSRF token is wrong, as sent


async def test_whole_body_answered_after_the_deadline_is_not_cut_off(
    server: tuple[TestServer, Seeded],
) -> None:
    body = json.dumps({"kind": "check_in"}).encode()
    extra = (f"Authorization: Bearer {server[1].li}", "Idempotency-Key: fast-1")
    async with connection(server[0]) as (reader, writer):
        writer.write(head("/api/v1/check-ins", len(body), "application/json", *extra) + body)
        await asyncio.sleep(DEADLINE_S * 1.5)  # the timer fires after the body is whole

        status, _, _ = await asyncio.wait_for(answer(reader), HANG_GUARD_S)

    assert status == 400  # read and refused for what it says, not timed out


def test_openapi_documents_the_408_of_every_operation_with_a_body() -> None:
    operations = [
        operation
        for path in document()["paths"].values()
        for operation in path.values()
        if "requestBody" in operation
    ]

    assert operations
    assert all("408" in operation["responses"] for operation in operations)
