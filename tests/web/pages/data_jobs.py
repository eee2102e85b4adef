"""Confirming an upload on the Data page: the import job followed to its end, as a browser would."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientResponse

from coordinator.services.jobs.queue import work
from coordinator.store import Store
from tests.web.pages.support import Client, settings

HANG_S = 120  # only to catch a hang
JOB = re.compile(r"^/data/jobs/(\d+)$")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
async def import_worker(arranged: Store) -> AsyncIterator[None]:
    """PostgreSQL: a queue worker beside the server (SQLite: the server runs jobs itself)."""
    if arranged.is_sqlite:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.ensure_future(work(arranged, settings(), utc_now, stop))
    yield
    stop.set()
    await asyncio.wait_for(task, HANG_S)


async def confirmed(client: Client, token: str, upload_id: str) -> ClientResponse:
    """POST Import; once its job ended, the job page's answer (not followed)."""
    started = await client.post(
        "/data/import", data={"_csrf": token, "upload": upload_id}, allow_redirects=False
    )
    location = started.headers.get("Location", "")
    if started.status != 303:
        return started
    assert JOB.match(location), location
    async with asyncio.timeout(HANG_S):
        while True:
            if (await (await client.get(f"{location}.json")).json())["ended"]:
                break
            await asyncio.sleep(0.05)
    return await client.get(location, allow_redirects=False)
