"""Access tokens kept in the database, so every process shares one and one refreshes it.

A token is used until `refresh_before_s` before it expires. Then the process whose
conditional update takes the row's lease fetches a new one and writes it; the others keep
using the old token while it is still valid, or wait for the new one. A token the provider
refused (`stale`: expired or revoked early) is replaced the same way, once, by one process.
The table is keyed by provider and app, so any module calling these providers can share it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from coordinator import models
from coordinator.notify.tokens import AccessToken, Fetch, TokenError
from coordinator.settings.person_channels import TokenSettings
from coordinator.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DatabaseTokens:
    """The `TokenCache` of the notification channels, over the `access_token` table."""

    def __init__(self, store: Store, settings: TokenSettings, clock: Clock = _utcnow) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    async def token(self, provider: str, app: str, fetch: Fetch, *, stale: str = "") -> str:
        waited = 0.0
        while True:
            row = await self._row(provider, app)
            now = self.clock()
            margin = dt.timedelta(seconds=self.settings.refresh_before_s)
            if fresh := _valid(row, stale, now + margin):
                return fresh
            if await self._take_lease(provider, app, now):
                return await self._refresh(provider, app, fetch, stale)
            if still := _valid(row, stale, now):
                return still  # another process is refreshing it
            if waited > 2 * self.settings.lease_s:
                raise TokenError(f"no {provider} token for {app}: another process is refreshing")
            await asyncio.sleep(self.settings.wait_step_s)
            waited += self.settings.wait_step_s

    async def _row(self, provider: str, app: str) -> models.AccessTokenRow | None:
        async with self.store.read() as session:
            return await session.get(models.AccessTokenRow, (provider, app))

    async def _take_lease(self, provider: str, app: str, now: dt.datetime) -> bool:
        """Only one process's conditional update can move a free or lapsed lease forward."""
        table = models.AccessTokenRow
        insert = sqlite_insert if self.store.is_sqlite else postgresql_insert
        blank = insert(table).values(provider=provider, app=app, token="")
        lease = (
            update(table)
            .where(col(table.provider) == provider, col(table.app) == app)
            .where(or_(col(table.lease_until).is_(None), col(table.lease_until) < now))
            .values(lease_until=now + dt.timedelta(seconds=self.settings.lease_s))
        )
        async with self.store.write() as session:
            await session.exec(blank.on_conflict_do_nothing(index_elements=["provider", "app"]))
            return (await session.exec(lease)).rowcount == 1

    async def _refresh(self, provider: str, app: str, fetch: Fetch, stale: str) -> str:
        """Holding the lease: fetch unless another process just wrote a good token."""
        row = await self._row(provider, app)
        margin = dt.timedelta(seconds=self.settings.refresh_before_s)
        if fresh := _valid(row, stale, self.clock() + margin):
            await self._write(provider, app, None)
            return fresh
        try:
            fetched = await fetch()
        except BaseException:
            await self._write(provider, app, None)
            raise
        await self._write(provider, app, fetched)
        log.info("new %s access token for %s, valid %.0f s", provider, app, fetched.expires_in_s)
        return fetched.value

    async def _write(self, provider: str, app: str, fetched: AccessToken | None) -> None:
        """Free the lease, with the new token when there is one."""
        table = models.AccessTokenRow
        values: dict[str, object] = {"lease_until": None}
        if fetched is not None:
            now = self.clock()
            values |= {
                "token": fetched.value,
                "expires_at": now + dt.timedelta(seconds=fetched.expires_in_s),
                "refreshed_at": now,
            }
        statement = (
            update(table)
            .where(col(table.provider) == provider, col(table.app) == app)
            .values(**values)
        )
        async with self.store.write() as session:
            await session.exec(statement)


def _valid(row: models.AccessTokenRow | None, stale: str, until: dt.datetime) -> str:
    """The stored token if it is not the refused one and stays valid past `until`, else ""."""
    if row is None or not row.token or row.token == stale or row.expires_at is None:
        return ""
    return row.token if row.expires_at > until else ""
