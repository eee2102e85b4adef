"""Fixtures for the pages: the arranged county built once per run and copied for each test.

Arranging (import, plan, lessons, feeds, users) takes a second or two on PostgreSQL; each
test gets its own copy instead: a file copy on SQLite, on PostgreSQL a new schema filled with
INSERT ... SELECT from the template schema. Tests never share rows.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import Integer
from sqlmodel import SQLModel

from coordinator.services.accounts import users as accounts
from coordinator.store import Store
from tests.conftest import (
    POSTGRES_URL,
    Closer,
    close_apps_then,
    drop_postgres_schema,
    postgres_schema_store,
)
from tests.web.pages.support import TEST_HASHER, Client, app_for, arrange


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id still, with test-sized cost: the tests are about the pages, not the KDF."""
    monkeypatch.setattr(accounts, "HASHER", TEST_HASHER)


async def _arranged_at(url: str) -> None:
    store = Store(url)
    try:
        async with store.writer.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        await arrange(store)
    finally:
        await store.close()


def run_aside(work: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end on its own loop in a thread (fixtures asked for from async
    fixtures run inside the test's loop, where asyncio.run is not allowed)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "template.db"
    run_aside(_arranged_at(str(path)))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A schema holding the arranged county, to copy rows from."""
    schema = f"pages_{uuid.uuid4().hex[:10]}"

    async def build() -> None:
        store = await postgres_schema_store(schema)
        try:
            async with store.writer.begin() as connection:
                await connection.run_sync(SQLModel.metadata.create_all)
            await arrange(store)
        finally:
            await store.close()

    try:
        run_aside(build())
    except OSError as error:
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    yield schema
    run_aside(drop_postgres_schema(schema))


async def copy_rows(store: Store, template: str) -> None:
    """Every row of the template schema into the store's (empty) tables; sequences follow."""
    async with store.writer.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            name = table.name
            await connection.exec_driver_sql(
                f'INSERT INTO "{name}" SELECT * FROM "{template}"."{name}"'
            )
            if "id" in table.c and isinstance(table.c["id"].type, Integer):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'COALESCE(MAX(id), 0) + 1, false) FROM "{name}"'
                )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def arranged(
    request: pytest.FixtureRequest, tmp_path: Path, apps_on_the_store: list[Closer]
) -> AsyncIterator[Store]:
    """A fresh copy of the arranged county, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "coordinator.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        store = Store(str(path))
        yield store
        await close_apps_then(store, apps_on_the_store)
        return
    template = request.getfixturevalue("postgres_template")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    store = await postgres_schema_store(schema)
    async with store.writer.begin() as connection:  # a new schema: no need to look first
        await connection.run_sync(SQLModel.metadata.create_all, checkfirst=False)
    await copy_rows(store, template)
    yield store
    await close_apps_then(store, apps_on_the_store)
    await drop_postgres_schema(schema)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, arranged: Store) -> Client:
    return await aiohttp_client(app_for(arranged))
