"""Shared fixtures: a store on a real SQLite file and on the local PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpClient, AiohttpServer
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import coordinator.models  # noqa: F401  (registers every table)
from coordinator.store import Store
from coordinator.store.schema import upgrade

POSTGRES_URL = os.environ.get(
    "COORDINATOR_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


Closer = Callable[[], Awaitable[None]]


@pytest.fixture
def apps_on_the_store() -> list[Closer]:
    """The test servers and clients of one test, closed before its store is.

    A test's store fixture may be torn down before pytest-aiohttp's fixtures: the app's job runner
    could then be mid-query when the store's pool is disposed, and its connection, returned to the
    disposed pool, would be left to the garbage collector, which warns during some later test.
    """
    return []


async def close_apps_then(store: Store, apps: list[Closer]) -> None:
    """Close the apps built on ``store`` (newest first), then the store."""
    while apps:
        await apps.pop()()
    await store.close()


@pytest.fixture
async def aiohttp_client(
    aiohttp_client: AiohttpClient, apps_on_the_store: list[Closer]
) -> AiohttpClient:
    """pytest-aiohttp's client factory; each client is closed before the test's store."""

    async def make(*args: Any, **kwargs: Any) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = await aiohttp_client(*args, **kwargs)
        apps_on_the_store.append(client.close)
        return client

    return make


@pytest.fixture
async def aiohttp_server(
    aiohttp_server: AiohttpServer, apps_on_the_store: list[Closer]
) -> AiohttpServer:
    """pytest-aiohttp's server factory; each server is closed before the test's store."""

    async def make(*args: Any, **kwargs: Any) -> TestServer:
        server = await aiohttp_server(*args, **kwargs)
        apps_on_the_store.append(server.close)
        return server

    return make


async def postgres_schema_store(schema: str) -> Store:
    """A store whose tables live in their own schema, so tests never see each other's rows."""
    admin = Store(POSTGRES_URL)
    try:
        async with admin.writer.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except OSError as error:  # the server is not running
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    finally:
        await admin.close()
    return Store(POSTGRES_URL, search_path=schema)


async def drop_postgres_schema(schema: str) -> None:
    admin = Store(POSTGRES_URL)
    async with admin.writer.begin() as connection:
        await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_store(
    request: pytest.FixtureRequest, tmp_path: Path, apps_on_the_store: list[Closer]
) -> AsyncIterator[Store]:
    """A store on an empty database, no schema yet."""
    if request.param == "sqlite":
        store = Store(str(tmp_path / "coordinator.db"))
        yield store
        await close_apps_then(store, apps_on_the_store)
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    store = await postgres_schema_store(schema)
    yield store
    await close_apps_then(store, apps_on_the_store)
    await drop_postgres_schema(schema)


@pytest.fixture(scope="session")
def shared_postgres_schema() -> Iterator[str | None]:
    """One schema with every table, created once per run; `store` empties it per test."""
    schema = f"t_shared_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        admin = Store(POSTGRES_URL, search_path=schema)
        try:
            async with admin.writer.begin() as connection:
                await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
                await connection.run_sync(SQLModel.metadata.create_all)
        finally:
            await admin.close()

    try:
        asyncio.run(create())
    except OSError:
        yield None  # PostgreSQL is not running: the postgresql cases skip
        return
    yield schema
    asyncio.run(drop_postgres_schema(schema))


async def truncate_all(store: Store) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    async with store.writer.begin() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    shared_postgres_schema: str | None,
    apps_on_the_store: list[Closer],
) -> AsyncIterator[Store]:
    """A store with every table of the models, empty (tests/test_store.py proves the
    migrations build exactly these tables; `migrated_store` goes through them)."""
    if request.param == "sqlite":
        store = Store(str(tmp_path / "coordinator.db"))
        async with store.writer.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
    else:
        if shared_postgres_schema is None:
            pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable")
        store = Store(POSTGRES_URL, search_path=shared_postgres_schema)
        await truncate_all(store)
    yield store
    await close_apps_then(store, apps_on_the_store)


@pytest.fixture
async def migrated_store(empty_store: Store) -> Store:
    """A store brought to the newest schema by the Alembic migrations."""
    await upgrade(empty_store)
    return empty_store


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for a test that goes through a URL (the CLI)."""
    name = f"coordinator_test_{uuid.uuid4().hex[:10]}"
    server = make_url(POSTGRES_URL).set(drivername="postgresql")
    admin = server.set(database="postgres").render_as_string(hide_password=False)

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    except OSError as error:
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE "{name}" WITH (FORCE)'))
