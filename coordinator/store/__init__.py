"""The store: database engines and sessions for SQLite (embedded) and PostgreSQL (production).

SQLite runs in WAL mode with `synchronous=FULL`, a busy timeout and foreign keys on. Writers
open their transaction with `BEGIN IMMEDIATE`, so two writers queue on the lock instead of
failing half-way with "database is locked"; readers use a second engine with plain `BEGIN` so
they never wait for a writer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator.errors import ConfigurationError

log = logging.getLogger(__name__)

DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def database_url(value: str) -> URL:
    """Accept a SQLAlchemy URL, a plain postgresql:// URL or a path to a SQLite file."""
    if "://" not in value:
        return make_url(f"sqlite+aiosqlite:///{Path(value)}")
    url = make_url(value)
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        raise ConfigurationError(
            f"database URL {url.render_as_string(hide_password=True)!r}: "
            "only sqlite and postgresql are supported"
        )
    return url.set(drivername=DRIVERS[backend])


class Store:
    """Opens sessions on one database. Create one per process and close it at exit."""

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_ms: int = 5000,
        echo: bool = False,
        search_path: str | None = None,
    ) -> None:
        self.url = database_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.busy_timeout_ms, self.echo = busy_timeout_ms, echo
        self.search_path = search_path  # PostgreSQL: the schema the tables live in
        connect_args: dict[str, Any] = {}
        if search_path is not None and not self.is_sqlite:
            connect_args["server_settings"] = {"search_path": search_path}
        self.writer = create_async_engine(self.url, echo=echo, connect_args=connect_args)
        self.reader = self.writer
        if self.is_sqlite:
            self.reader = create_async_engine(self.url, echo=echo)
            _configure_sqlite(self.writer.sync_engine, busy_timeout_ms, begin="BEGIN IMMEDIATE")
            _configure_sqlite(self.reader.sync_engine, busy_timeout_ms, begin="BEGIN")

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        """The database for messages, with any password hidden."""
        return self.url.render_as_string(hide_password=True)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; whatever it changes is rolled back."""
        async with AsyncSession(self.reader, expire_on_commit=False) as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session whose changes commit together at the end, or not at all."""
        async with (
            AsyncSession(self.writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def blocking_engine(self, *, write: bool) -> Engine:
        """A synchronous engine on this SQLite file, set up like `writer` (BEGIN IMMEDIATE) or
        `reader` (BEGIN). Its connections may be handed between threads (one at a time)."""
        if not self.is_sqlite:
            raise ValueError("blocking engines are for SQLite only (asyncpg has no blocking API)")
        engine = create_engine(
            self.url.set(drivername="sqlite+pysqlite"),
            echo=self.echo,
            connect_args={"check_same_thread": False},
        )
        begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        _configure_sqlite(engine, self.busy_timeout_ms, begin=begin)
        return engine

    async def close(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, *, begin: str) -> None:
    """Pragmas on every new connection; our own BEGIN instead of the driver's implicit one."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
            "PRAGMA foreign_keys=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)
