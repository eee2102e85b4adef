"""Watch links depend on the lesson and the classroom, not on who else receives the lesson."""

from __future__ import annotations

import datetime as dt

import icalendar
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.domain import Need
from coordinator.services.rebalancing.proposals import apply_rebalance, preview_rebalance
from coordinator.settings import FeedSettings, Settings, SolverSettings
from coordinator.store import Store
from coordinator.streams import StaticSettings, StreamsSettings
from coordinator.timetable.changes import ClassroomRemoved, NeedAdded
from tests.web.test_feeds import NOW, path_of, published

Client = TestClient[web.Request, web.Application]
TODAY = dt.date(2026, 11, 22)
STREAMS = StreamsSettings(
    provider="static",
    static=StaticSettings(
        teacher_url="https://room.example.cn/host/{lesson}/{revision}",
        classroom_url="https://room.example.cn/watch/{lesson}/{revision}/{classroom}",
    ),
)


async def links_in(client: Client, path: str) -> dict[str, tuple[str, int]]:
    """Each event's URL and SEQUENCE, by UID."""
    body = await (await client.get(path)).read()
    return {
        str(event["UID"]): (str(event.get("URL", "")), int(event.decoded("SEQUENCE")))
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }


async def test_watch_links_of_the_other_classrooms_stay_when_one_leaves(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=STREAMS, feeds=FeedSettings(counter_ttl_s=0))
    client = await aiohttp_client(create_app(settings, store))
    links = await published(store)
    stayer, teacher = path_of(links["classroom:c-east-3"]), path_of(links["teacher:t-wang"])
    before, teacher_before = await links_in(client, stayer), await links_in(client, teacher)
    change, away = ClassroomRemoved("c-west-3"), (dt.date(2027, 1, 4), dt.date(2027, 1, 10))
    preview = await preview_rebalance(
        store, SolverSettings(num_workers=1), change, away, today=TODAY
    )
    assert preview.result.unaffected_changed == 0
    await apply_rebalance(store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="t")

    after, teacher_after = await links_in(client, stayer), await links_in(client, teacher)
    changed = {uid for uid in after if after[uid][1] != before[uid][1]}
    assert changed  # the shared lessons of the week away: c-west-3 left them
    assert all(uid.startswith("p-open-music@2027-01-") for uid in changed)
    assert {uid: url for uid, (url, _) in after.items()} == {
        uid: url for uid, (url, _) in before.items()
    }
    assert {uid: url for uid, (url, _) in teacher_after.items()} == {
        uid: url for uid, (url, _) in teacher_before.items()
    }


async def test_changing_a_schools_provider_raises_sequence_of_changed_links(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    feeds = FeedSettings(counter_ttl_s=0)
    first = await aiohttp_client(create_app(Settings(streams=STREAMS, feeds=feeds), store))
    links = await published(store)
    paths = [path_of(links[owner]) for owner in ("teacher:t-wang", "classroom:c-east-3")]
    before = [await links_in(first, path) for path in paths]
    other = StreamsSettings(
        provider="static",
        static=StaticSettings(teacher_url="https://meet.example.cn/{lesson}/{revision}"),
        schools={},
    )
    second = await aiohttp_client(create_app(Settings(streams=other, feeds=feeds), store))
    after = [await links_in(second, path) for path in paths]
    again = [await links_in(second, path) for path in paths]
    third = await aiohttp_client(create_app(Settings(streams=other, feeds=feeds), store))
    restarted = [await links_in(third, path) for path in paths]

    for old, new in zip(before, after, strict=True):
        assert sorted(old) == sorted(new)
        changed = {uid for uid in new if new[uid][0] != old[uid][0]}
        assert changed
        assert all(new[uid][1] == old[uid][1] + 1 for uid in changed)
    assert again == after == restarted  # raised once per change, not per worker or request


async def test_watch_links_stay_when_a_classroom_joins_again(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    settings = Settings(streams=STREAMS, feeds=FeedSettings(counter_ttl_s=0))
    client = await aiohttp_client(create_app(settings, store))
    links = await published(store)
    paths = {owner: path_of(links[owner]) for owner in ("classroom:c-east-3", "classroom:c-west-3")}
    before = {owner: await links_in(client, path) for owner, path in paths.items()}
    solver, away = SolverSettings(num_workers=1), (dt.date(2027, 1, 4), dt.date(2027, 1, 10))
    leave = await preview_rebalance(store, solver, ClassroomRemoved("c-west-3"), away, today=TODAY)
    await apply_rebalance(store, leave, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="t")
    # A new version lapses the week away: c-west-3 joins those lessons again.
    other = NeedAdded(Need("c-east-4", "music", 1))
    rejoin = await preview_rebalance(store, solver, other, today=TODAY)
    assert rejoin.result.unaffected_changed == 0
    await apply_rebalance(store, rejoin, now=NOW + dt.timedelta(hours=2), today=TODAY, actor="t")

    for owner, path in paths.items():
        after = await links_in(client, path)
        rejoined = {uid for uid in before[owner] if uid.startswith("p-open-music@2027-01-0")}
        assert rejoined
        assert {uid: after[uid][0] for uid in rejoined} == {
            uid: before[owner][uid][0] for uid in rejoined
        }
        assert all(after[uid][1] > before[owner][uid][1] for uid in rejoined)
