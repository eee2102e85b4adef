"""The feed cache under many polls at once: the change counter is asked once, not per poll."""

from __future__ import annotations

import asyncio

from coordinator.services.feeds.render import FeedCache
from coordinator.settings import Settings
from coordinator.store import Store
from tests.sql import sent_statements
from tests.web.test_feeds import NOW, published


async def test_polls_arriving_together_ask_for_the_change_counter_once(store: Store) -> None:
    links = await published(store)
    token = links["school:r-east"].https.rsplit("/", 1)[1].removesuffix(".ics")
    cache = FeedCache(store, Settings().streams, counter_ttl_s=60)
    first = await cache.feed(token, now=NOW)
    with sent_statements(store.reader.sync_engine) as sent:
        cache.invalidate()  # the counter's time to live is over
        feeds = await asyncio.gather(*(cache.feed(token, now=NOW) for _ in range(20)))
    asked = [statement for statement in sent if "change_counter" in statement]
    assert first is not None
    assert len(asked) == 1
    assert {feed.etag for feed in feeds if feed is not None} == {first.etag}
    assert cache.renders == 1
