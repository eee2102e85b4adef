"""One mirrored table read and written as plain rows, in bulk (no ORM object per row).

A province bundle is over 100,000 rows; building and flushing an ORM object for each made
`import` and every solve's `load_bundle` slow. Here rows are read as columns and written with
one executemany statement per kind of change, with the same effect as before: new rows
inserted, returning and changed rows updated (an event's revision counts up), rows the
bundle no longer lists retired, never deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.store.mirror import BOOKKEEPING, Key, Mirror, Row

KEY_PREFIX = "key_"  # bound names of the key in an UPDATE's WHERE (column names are taken)


@dataclass(slots=True)
class TableChanges:
    """What one import did to one table, by natural key."""

    added: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)
    retired: list[Key] = field(default_factory=list)
    unchanged: int = 0

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.retired)


def table_of(mirror: Mirror) -> Table:
    return models.table_of(mirror.table)


def _columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if column.name not in BOOKKEEPING]


async def stored_rows(
    session: AsyncSession, mirror: Mirror, *, active_only: bool
) -> list[tuple[Row, bool]]:
    """Every stored row (or the active ones) as (plain row, retired?)."""
    table = table_of(mirror)
    columns = _columns(table)
    query = sa_select(*columns, table.c.retired_at)
    if active_only:
        query = query.where(table.c.retired_at.is_(None))
    names = [column.name for column in columns]
    result = await (await session.connection()).execute(query)
    # Columns come back as plain values already (enums as their strings, JSON as lists): the
    # same values as `row_values` gives, made without a call per value (a province: 115k rows).
    return [(dict(zip(names, row[:-1], strict=True)), row[-1] is not None) for row in result.all()]


async def active_rows(session: AsyncSession, mirror: Mirror) -> list[Row]:
    """The rows of one table that the last import still lists, in key order."""
    rows = [row for row, _ in await stored_rows(session, mirror, active_only=True)]
    return sorted(rows, key=lambda row: tuple(map(str, map(row.__getitem__, mirror.key))))


async def write_table(
    session: AsyncSession, mirror: Mirror, wanted: list[Row], now: dt.datetime
) -> TableChanges:
    """Make the table hold the wanted rows: insert, update, retire; report by key."""
    stored = {
        mirror.key_of(row): (row, retired)
        for row, retired in await stored_rows(session, mirror, active_only=False)
    }
    changes = TableChanges()
    inserts: list[Row] = []
    updates: list[Row] = []
    seen: set[Key] = set()
    for values in wanted:
        key = mirror.key_of(values)
        seen.add(key)
        found = stored.get(key)
        if found is None:
            inserts.append({**values, "updated_at": now, "retired_at": None})
            changes.added.append(key)
        elif found[1] or found[0] != values:
            updates.append({**values, **_key_params(mirror, key)})
            (changes.added if found[1] else changes.changed).append(key)
        else:
            changes.unchanged += 1
    changes.retired = [k for k, (_, retired) in stored.items() if k not in seen and not retired]
    await _write(session, mirror, inserts, updates, changes.retired, now)
    return changes


def _key_params(mirror: Mirror, key: Key) -> Row:
    return {KEY_PREFIX + name: value for name, value in zip(mirror.key, key, strict=True)}


async def _write(
    session: AsyncSession,
    mirror: Mirror,
    inserts: list[Row],
    updates: list[Row],
    retired: list[Key],
    now: dt.datetime,
) -> None:
    table = table_of(mirror)
    connection = await session.connection()
    where = [table.c[name] == bindparam(KEY_PREFIX + name) for name in mirror.key]
    if inserts:
        await connection.execute(insert(table), inserts)
    if updates:
        revised: dict[str, Any] = {"updated_at": now, "retired_at": None}
        if "revision" in table.c:  # subscribers see events: SEQUENCE follows
            revised["revision"] = table.c.revision + 1
        await connection.execute(update(table).where(*where).values(revised), updates)
    if retired:
        keys = [_key_params(mirror, key) for key in retired]
        stamp = update(table).where(*where).values(retired_at=now, updated_at=now)
        await connection.execute(stamp, keys)
