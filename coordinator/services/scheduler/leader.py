"""Which worker leads: a PostgreSQL advisory lock on a dedicated connection, or a file lock.

PostgreSQL: `pg_try_advisory_lock` on a connection of its own, held for the process's life.
When the leader dies its connection closes and the server drops the lock; a standby retrying
every few seconds takes over. TCP keepalives make the server notice a vanished host quickly.
SQLite: one worker per database file, enforced by an exclusive lock on a file beside it.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
from pathlib import Path
from typing import IO, Any, Protocol

import asyncpg

from coordinator.errors import CoordinatorError
from coordinator.store import Store

log = logging.getLogger(__name__)

DEFAULT_NAME = "coordinator-worker"
KEEPALIVES = {
    "application_name": DEFAULT_NAME,
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}
# A connection that ended under us shows as any of these; an operation cut short on it (the
# server terminated the session mid-query) leaves asyncpg's InternalClientError on the next.
LOST = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


class WorkerAlreadyRunning(CoordinatorError):
    """Another worker holds the database's worker lock (SQLite allows one worker)."""


class Leadership(Protocol):
    standby: bool  # True: keep retrying while another leads; False: only one may ever run

    async def acquire(self) -> bool:
        """Try once to become the leader."""

    async def held(self) -> bool:
        """Still the leader? False once the lock (or its connection) is gone."""

    async def release(self) -> None: ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresLeadership:
    standby = True

    def __init__(self, dsn: str, *, name: str = DEFAULT_NAME, timeout_s: float = 3.0) -> None:
        self.dsn = dsn
        self.name = name
        self.key = lock_key(name)
        self.timeout_s = timeout_s
        self._connection: Any = None
        self._leading = False

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock's connection (for operators and tests)."""
        return None if self._connection is None else int(self._connection.get_server_pid())

    async def acquire(self) -> bool:
        try:
            if self._connection is None or self._connection.is_closed():
                self._connection = await asyncpg.connect(
                    self.dsn, timeout=self.timeout_s, server_settings=KEEPALIVES
                )
            async with asyncio.timeout(self.timeout_s):
                got = await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", self.key)
        except LOST as error:
            log.warning("leader election on PostgreSQL failed: %s", error)
            await self._drop()
            return False
        self._leading = bool(got)
        if self._leading:
            log.info("leading %r (lock %d, backend %s)", self.name, self.key, self.backend_pid)
        return self._leading

    async def held(self) -> bool:
        if not self._leading or self._connection is None:
            return False
        try:
            async with asyncio.timeout(self.timeout_s):
                await self._connection.fetchval("SELECT 1")
        except LOST as error:
            log.error("lost leadership of %r: %s", self.name, error)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._leading and self._connection is not None and not self._connection.is_closed():
            try:
                await self._connection.fetchval("SELECT pg_advisory_unlock($1)", self.key)
            except LOST as error:
                log.warning("unlocking %r failed: %s", self.name, error)
        await self._drop()

    async def _drop(self) -> None:
        self._leading = False
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.terminate()  # never waits on a dead peer


class FileLeadership:
    """An exclusive, non-blocking flock on `<database>.worker.lock`."""

    standby = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    async def acquire(self) -> bool:
        stream = self.path.open("ab")
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.close()
            return False
        self._file = stream
        log.info("leading: worker lock %s", self.path)
        return True

    async def held(self) -> bool:
        return self._file is not None

    async def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class AlwaysLeader:
    """An in-memory SQLite database belongs to its one process."""

    standby = False

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def leadership_for(store: Store, *, name: str = DEFAULT_NAME) -> Leadership:
    """PostgreSQL: an advisory lock; SQLite: a lock file beside the database."""
    if not store.is_sqlite:
        dsn = store.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresLeadership(dsn, name=name)
    database = store.url.database
    if not database or database == ":memory:":
        return AlwaysLeader()
    return FileLeadership(Path(f"{database}.worker.lock"))
