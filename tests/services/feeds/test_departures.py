"""A classroom taken out of a shared lesson for some dates sees it cancelled, not vanished."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.services.rebalancing.proposals import apply_rebalance, preview_rebalance
from coordinator.settings import FeedSettings, Settings, SolverSettings
from coordinator.store import Store
from coordinator.timetable.changes import ClassroomRemoved
from tests.calendar import client_parsers
from tests.web.test_feeds import NOW, path_of, published

Client = TestClient[web.Request, web.Application]
TODAY = dt.date(2026, 11, 22)
AWAY = (dt.date(2027, 1, 4), dt.date(2027, 1, 10))  # dates the feed window always holds
LEAVER_FEEDS = ("classroom:c-west-3", "assistant:a-zhao", "school:r-west")


async def shared_lessons(client: Client, path: str) -> dict[str, icalendar.Component]:
    """The open broadcast's events in the week away, by UID."""
    body = await (await client.get(path)).read()
    return {
        str(event["UID"]): event
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(event["UID"]).startswith("p-open-music@")
        and AWAY[0] <= event.decoded("DTSTART").date() <= AWAY[1]
    }


async def test_classroom_leaving_a_shared_lesson_sees_it_cancelled(
    aiohttp_client: AiohttpClient, store: Store, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(Settings(feeds=FeedSettings(counter_ttl_s=0)), store))
    links = await published(store)
    before = {feed: await shared_lessons(client, path_of(links[feed])) for feed in LEAVER_FEEDS}
    assert all(before.values())
    solver = SolverSettings(num_workers=1)
    preview = await preview_rebalance(
        store, solver, ClassroomRemoved("c-west-3"), AWAY, today=TODAY
    )
    later = NOW + dt.timedelta(hours=1)
    await apply_rebalance(store, preview, now=later, today=TODAY, actor="test")

    for feed in LEAVER_FEEDS:
        after = await shared_lessons(client, path_of(links[feed]))
        assert sorted(after) == sorted(before[feed])
        for uid, event in after.items():
            assert str(event["STATUS"]) == "CANCELLED"
            assert str(event["SUMMARY"]).startswith("【已取消】")
            assert event.decoded("SEQUENCE") > before[feed][uid].decoded("SEQUENCE")
        path = tmp_path / f"{feed.replace(':', '-')}.ics"
        path.write_bytes(await (await client.get(path_of(links[feed]))).read())
        seen = client_parsers.with_ical(path)
        assert {seen[uid].status for uid in after} == {"CANCELLED"}
    staying = await shared_lessons(client, path_of(links["classroom:c-east-3"]))
    assert sorted(staying) == sorted(before["classroom:c-west-3"])
    assert {str(event["STATUS"]) for event in staying.values()} == {"CONFIRMED"}
