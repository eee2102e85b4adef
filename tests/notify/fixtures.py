"""Loopback receivers for the notification tests; test modules import the fixtures they use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from aiosmtpd.controller import Controller
from pytest_aiohttp import AiohttpServer

from tests.notify.support import Mailbox, Receiver, free_port


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> tuple[Receiver, str]:
    """The receiver and its base URL (http://127.0.0.1:PORT)."""
    received = Receiver()
    server: TestServer = await aiohttp_server(received.app())
    return received, str(server.make_url("")).rstrip("/")


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback and its port."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
        yield session
