"""Many rows, one INSERT ... ON CONFLICT DO NOTHING statement; how many went in.

On SQLite a multi-row VALUES list: one step of SQLite's, where executemany or RETURNING take
one per row, each letting go of Python's lock and waiting to get it back from the busy web
loop. On PostgreSQL one array per column, `INSERT ... SELECT * FROM unnest($1::type[], ...)`:
the statement's text is the same for 1 row or 256, so asyncpg prepares it once per
connection and PostgreSQL plans it once, where a VALUES list (or SQLAlchemy's
insertmanyvalues) is a new statement for every batch size, parsed, planned and prepared
again. Either way the values go through the columns' own SQLAlchemy conversions, as in any
insert, so the bytes on disk are the same; the status line tells how many rows went in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

ROWS_PER_INSERT = 100  # x at most ~20 columns: far below SQLite's 32,766 parameters


def insert_rows(connection: Connection, table: Table, values: list[dict[str, Any]]) -> int:
    """Insert the rows (all with the same keys), skipping conflicts; the number inserted."""
    if not values:
        return 0
    names = tuple(values[0])
    convert = [_converter(table, name, connection.dialect) for name in names]
    if connection.dialect.name == "postgresql":
        columns = tuple(
            [value if to_db is None else to_db(value) for value in (row[name] for row in values)]
            for to_db, name in zip(convert, names, strict=True)
        )
        return int(connection.exec_driver_sql(_unnest_sql(table, names), columns).rowcount)
    inserted = 0
    for start in range(0, len(values), ROWS_PER_INSERT):
        chunk = values[start : start + ROWS_PER_INSERT]
        parameters = tuple(
            value if to_db is None else to_db(value)
            for row in chunk
            for to_db, value in zip(convert, (row[name] for name in names), strict=True)
        )
        sql = _values_sql(table, names, len(chunk), connection.dialect)
        inserted += connection.exec_driver_sql(sql, parameters).rowcount
    return inserted


@functools.cache
def _unnest_sql(table: Table, names: tuple[str, ...]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"${number}::{table.c[name].type.compile(dialect)}[]"
        for number, name in enumerate(names, start=1)
    )
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
    )


@functools.cache
def _converter(table: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's conversion to what the driver stores, as SQLAlchemy applies it."""
    column_type = table.c[name].type.dialect_impl(dialect)
    return column_type.bind_processor(dialect)


@functools.cache
def _values_sql(table: Table, names: tuple[str, ...], count: int, dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    row = f"({', '.join('?' * len(names))})"
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES {', '.join([row] * count)} ON CONFLICT DO NOTHING"
    )
