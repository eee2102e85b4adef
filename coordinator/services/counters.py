"""Change counters: a number per cached thing that every relevant write moves up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models

FEEDS = "feeds"  # lessons, events, names, tokens: anything a feed shows or needs


async def bump_counter(session: AsyncSession, name: str, now: dt.datetime) -> None:
    """Tell every web worker that what `name` caches is stale (within this transaction)."""
    result = await session.exec(
        update(models.ChangeCounterRow)
        .where(col(models.ChangeCounterRow.name) == name)
        .values(value=models.ChangeCounterRow.value + 1, changed_at=now)
    )
    if result.rowcount == 0:
        session.add(models.ChangeCounterRow(name=name, value=1, changed_at=now))
        await session.flush()
