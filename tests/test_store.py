"""The store on SQLite and PostgreSQL: schema, pragmas, transactions, UTC times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from coordinator import models
from coordinator.store import Store, database_url
from coordinator.store.schema import current_revision, head_revision, pending_model_changes


async def test_upgrade_brings_schema_to_head(migrated_store: Store) -> None:
    assert await current_revision(migrated_store) == head_revision()


async def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "pragmas.db"))
    try:
        async with store.write() as session:
            values = [
                (await session.exec(text(f"PRAGMA {name}"))).one()[0]  # type: ignore[call-overload]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            ]
    finally:
        await store.close()
    assert values == ["wal", 2, 1, 5000]


async def test_write_rolls_back_on_error(store: Store) -> None:
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)

    async def write_then_fail() -> None:
        async with store.write() as session:
            session.add(models.RegionRow(id="r1", name="一县", updated_at=now))
            await session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await write_then_fail()
    async with store.read() as session:
        assert (await session.get(models.RegionRow, "r1")) is None


async def test_timestamps_come_back_utc_aware(store: Store) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    written = dt.datetime(2026, 11, 22, 16, 30, tzinfo=shanghai)
    async with store.write() as session:
        session.add(models.RegionRow(id="r1", name="一县", updated_at=written))
    async with store.read() as session:
        row = await session.get(models.RegionRow, "r1")
    assert row is not None
    assert row.updated_at == written
    assert row.updated_at is not None
    assert row.updated_at.tzinfo == dt.UTC


async def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with store.write() as session:
            session.add(models.RegionRow(id="r1", name="一县", updated_at=dt.datetime(2026, 1, 1)))  # noqa: DTZ001


async def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with store.write() as session:
            session.add(
                models.AssistantRow(id="a", school_id="missing", name="x", phone="", email="")
            )


def test_database_url_accepts_paths_and_plain_urls() -> None:
    assert str(database_url("data/county.db")) == "sqlite+aiosqlite:///data/county.db"
    assert database_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"


async def test_migrations_create_exactly_the_models(migrated_store: Store) -> None:
    assert await pending_model_changes(migrated_store) == []
