"""Who may read /metrics: this machine directly, or a scraper with the metrics token."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.settings import Settings
from coordinator.store import Store


async def status_of(
    aiohttp_client: AiohttpClient, store: Store, settings: Settings, headers: dict[str, str]
) -> int:
    client = await aiohttp_client(create_app(settings, store))
    return (await client.get("/metrics", headers=headers)).status


async def test_metrics_from_this_machine_without_a_token_setting_is_served(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    assert await status_of(aiohttp_client, store, Settings(), {}) == 200


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded"])
async def test_metrics_forwarded_by_a_proxy_is_refused(
    aiohttp_client: AiohttpClient, store: Store, header: str
) -> None:
    assert await status_of(aiohttp_client, store, Settings(), {header: "203.0.113.9"}) == 403


async def test_metrics_from_an_address_not_listed_is_refused(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(metrics_from=("192.0.2.1",))
    assert await status_of(aiohttp_client, store, settings, {}) == 403


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": "Bearer scrape-me", "X-Forwarded-For": "203.0.113.9"}, 200),
    ],
)
async def test_metrics_with_a_token_setting_needs_exactly_that_token(
    aiohttp_client: AiohttpClient, store: Store, headers: dict[str, str], status: int
) -> None:
    settings = Settings(metrics_token=SecretStr("scrape-me"), metrics_from=())
    assert await status_of(aiohttp_client, store, settings, headers) == status
