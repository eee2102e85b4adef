"""Serving a feed whose bytes did not change writes nothing: a second web worker (or one just
restarted) never waits for SQLite's write lock to answer a poll."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from coordinator.services.feeds.render import FeedCache
from coordinator.services.feeds.subscriptions import list_feeds
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from tests.web.test_feeds import BASE, NOW, SECRET, published


@pytest.mark.parametrize("changed", [False, True], ids=["same-bytes", "new-bytes"])
async def test_a_second_worker_serves_unchanged_feeds_while_a_writer_holds_the_lock(
    tmp_path: Path, changed: bool
) -> None:
    path = tmp_path / "feeds.db"
    store = Store(str(path))
    async with store.writer.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await published(store)
    [link] = [
        f
        for f in await list_feeds(store, secret=SECRET, base_url=BASE)
        if f.owner.kind == "teacher"
    ][:1]
    token = link.https.rsplit("/", 1)[1].removesuffix(".ics")
    first = await FeedCache(store, StreamsSettings()).feed(token, now=NOW)  # worker 1
    assert first is not None
    if changed:  # the stored state says other bytes: this worker must write the new ones
        blocker = sqlite3.connect(path)
        blocker.execute("UPDATE feed_state SET etag = '\"old\"'")
        blocker.commit()
        blocker.close()

    second_store = Store(str(path), busy_timeout_ms=300)  # worker 2, a short busy timeout
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # a long write elsewhere (an import, a check-in batch)
    try:
        render = FeedCache(second_store, StreamsSettings()).feed(token, now=NOW)
        if changed:
            with pytest.raises(Exception, match="database is locked"):
                await asyncio.wait_for(render, timeout=60)
        else:
            served = await asyncio.wait_for(render, timeout=60)
            assert served is not None
            assert (served.body, served.etag, served.last_modified) == (
                first.body,
                first.etag,
                first.last_modified,
            )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        await second_store.close()
        await store.close()
