"""Health and readiness over real HTTP on loopback."""

from __future__ import annotations

import os

from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.store.schema import head_revision


async def test_healthz_answers_ok(aiohttp_client: AiohttpClient, store: Store) -> None:
    client = await aiohttp_client(create_app(Settings(), store))
    response = await client.get("/healthz")
    assert (response.status, await response.json()) == (
        200,
        {"status": "ok", "worker": os.getpid()},
    )


async def test_readyz_ready_when_schema_is_newest(
    aiohttp_client: AiohttpClient,
    migrated_store: Store,
) -> None:
    client = await aiohttp_client(create_app(Settings(), migrated_store))
    response = await client.get("/readyz")
    assert (response.status, await response.json()) == (
        200,
        {"status": "ok", "revision": head_revision()},
    )


async def test_readyz_unavailable_before_migrations(
    aiohttp_client: AiohttpClient,
    empty_store: Store,
) -> None:
    client = await aiohttp_client(create_app(Settings(), empty_store))
    response = await client.get("/readyz")
    assert response.status == 503
    assert (await response.json())["status"] == "migrations pending"
