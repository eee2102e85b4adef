"""Many rows, one INSERT ... ON CONFLICT DO NOTHING statement; how many went in.

On SQLite a multi-row VALUES list: one step of SQLite's, where executemany or RETURNING take
one per row, each letting go of Python's lock and waiting to get it back from the busy web
loop. The values go through the columns' own SQLAlchemy conversions, as in any insert, so
the bytes on disk are the same. On PostgreSQL SQLAlchemy's insertmanyvalues, keys RETURNING.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert

ROWS_PER_INSERT = 100  # x at most ~20 columns: far below SQLite's 32,766 parameters


def insert_rows(connection: Connection, table: Table, values: list[dict[str, Any]]) -> int:
    """Insert the rows (all with the same keys), skipping conflicts; the number inserted."""
    if not values:
        return 0
    if connection.dialect.name != "sqlite":
        return len(connection.execute(_returning_insert(table), values).all())
    names = tuple(values[0])
    convert = [_converter(table, name, connection.dialect) for name in names]
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
def _returning_insert(table: Table) -> Insert:
    statement = postgresql.insert(table).on_conflict_do_nothing()
    return statement.returning(*table.primary_key.columns)


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
