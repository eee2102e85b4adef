"""The feed cache under many polls at once: the change counter is asked once, not per poll."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event

from coordinator.services.feeds import FeedCache
from coordinator.settings import Settings
from coordinator.store import Store
from tests.web.test_feeds import NOW, published


async def test_polls_arriving_together_ask_for_the_change_counter_once(store: Store) -> None:
    links = await published(store)
    token = links["school:r-east"].https.rsplit("/", 1)[1].removesuffix(".ics")
    cache = FeedCache(store, Settings().streams, counter_ttl_s=60)
    first = await cache.feed(token, now=NOW)
    asked: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "change_counter" in statement:
            asked.append(statement)

    event.listen(store.reader.sync_engine, "before_cursor_execute", count)
    try:
        cache.invalidate()  # the counter's time to live is over
        feeds = await asyncio.gather(*(cache.feed(token, now=NOW) for _ in range(20)))
    finally:
        event.remove(store.reader.sync_engine, "before_cursor_execute", count)
    assert first is not None
    assert len(asked) == 1
    assert {feed.etag for feed in feeds if feed is not None} == {first.etag}
    assert cache.renders == 1
