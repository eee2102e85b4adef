"""Writing many new rows at once: PostgreSQL's COPY where it runs, an executemany elsewhere.

A province's term is 30,000–50,000 lessons and twice as many classroom links. asyncpg runs an
executemany as one INSERT per row (2.4 s for 100,000 links); COPY streams them in one
command (`copy_records_to_table`), inside the session's transaction like any statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert `rows` (every row with the same columns) into `table`."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        await connection.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    # The values SQLAlchemy itself would hand the driver: UTC times, JSON as text.
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    records = [
        tuple(
            row[name] if process is None else process(row[name])
            for name, process in zip(names, processors, strict=True)
        )
        for row in rows
    ]
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=records, columns=names
    )
