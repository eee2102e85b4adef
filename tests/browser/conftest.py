"""Playwright with Debian's chromium against the real server on 127.0.0.1 (SQLite store)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from coordinator.services.accounts import users as accounts
from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.conftest import Closer, close_apps_then
from tests.web.pages.conftest import sqlite_template
from tests.web.pages.support import NOW, TEST_HASHER, app_for

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)

from playwright.async_api import Browser, async_playwright, expect  # noqa: E402

# Assertions wait for what they expect; the ceiling only catches a hang, never a busy machine.
expect.set_options(timeout=30_000)

__all__ = ["sqlite_template"]  # the shared fixture, registered here too


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", TEST_HASHER)


@pytest.fixture
async def browser_store(
    tmp_path: Path, sqlite_template: Path, apps_on_the_store: list[Closer]
) -> AsyncIterator[Store]:
    """A copy of the arranged county (built once per run by tests/web/pages/conftest.py)."""
    path = tmp_path / "coordinator.db"
    shutil.copyfile(sqlite_template, path)
    store = Store(str(path))
    yield store
    await close_apps_then(store, apps_on_the_store)


@pytest.fixture
async def server(aiohttp_server: AiohttpServer, browser_store: Store) -> TestServer:
    config = PagesConfig(clock=lambda: NOW, today_refresh_s=1)
    return await aiohttp_server(app_for(browser_store, config), host="127.0.0.1")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        await launched.close()
