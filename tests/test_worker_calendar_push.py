"""A real `coordinator worker` process, SIGKILLed mid-way: a lesson moved by a rebalance still
reaches each affected person with exactly one change message on their channel and exactly one
calendar change (its old entry removed, its new one added) in their WeCom schedule or
DingTalk calendar, against loopback providers that check tokens as the real ones do."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from benchmarks.processes import COORDINATOR, ProcessGroup, coordinator_env
from coordinator import models
from coordinator.services.data.imports import import_bundle
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.solve import solve_and_store
from coordinator.services.rebalancing.proposals import apply_rebalance, preview_rebalance
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.store.schema import upgrade
from coordinator.timetable.changes import TeacherUnavailable
from tests.conftest import fresh_postgres_database
from tests.notify import providers as fake
from tests.notify.person_support import providers
from tests.services.notifications.calendar_support import WECOM, county

__all__ = ["providers"]
pytestmark = pytest.mark.slow
HANG_S = 120.0  # a ceiling that only catches a hang
CONFIG = """[notifications]
channels = ["wecom", "dingtalk"]
poll_s = 0.5
outbox_poll_s = 0.3
send_timeout_s = 2.0
leader_retry_s = 0.5
change_horizon_hours = 96
public_url = "https://kc.example.cn"

[notifications.retry]
first_delay_s = 0.2

[notifications.calendar]
days_ahead = 4

[notifications.wecom]
base_url = "{base}/wecom"
corpid = "{corpid}"
agentid = {agentid}

[notifications.dingtalk]
base_url = "{base}/dingtalk"
api_base_url = "{base}/dingapi"
appkey = "{appkey}"
agent_id = {agent_id}
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own (on PostgreSQL the worker's advisory lock is per database)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'county.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    while not await check():
        assert loop.time() - began < HANG_S, "hung: the condition never came true"
        await asyncio.sleep(0.2)


async def county_this_term(store: Store, now: dt.datetime) -> None:
    """The small county, its term around today, timetabled and dated from now on."""
    base = county()
    term = dataclasses.replace(
        base.terms[0],
        start=now.date() - dt.timedelta(days=60),
        end=now.date() + dt.timedelta(days=60),
    )
    imported = dataclasses.replace(base, terms=(term,), calendar_days=())
    earlier = now - dt.timedelta(days=1)
    await upgrade(store)
    await import_bundle(store, imported, source="test", now=earlier)
    await solve_and_store(store, SolverSettings(num_workers=1), now=earlier)
    await publish_lessons(store, now=earlier, today=now.date())


async def rows(store: Store, kind: str) -> list[models.NotificationRow]:
    table = models.NotificationRow
    async with store.read() as session:
        return list((await session.exec(select(table).where(col(table.kind) == kind))).all())


async def all_sent(store: Store, kind: str, at_least: int = 1) -> bool:
    found = await rows(store, kind)
    done = [row for row in found if row.status in ("sent", "superseded")]
    return len(found) >= at_least and len(done) == len(found)


async def rebalance_next_lesson(store: Store, now: dt.datetime) -> models.LessonRow:
    """王丽 cannot teach on the weekday of her next lesson within four days: it moves."""
    table = models.LessonRow
    query = (
        select(table)
        .where(col(table.teacher_id) == "t-wang", col(table.status) == "scheduled")
        .where(col(table.start) > now + dt.timedelta(hours=1))
        .where(col(table.start) < now + dt.timedelta(days=4))
        .order_by(col(table.start))
    )
    async with store.read() as session:
        lesson = (await session.exec(query)).first()
    assert lesson is not None, "the county has a lesson of 王丽 in the next four days"
    change = TeacherUnavailable("t-wang", (lesson.date.isoweekday(),))
    dates = (now.date(), now.date() + dt.timedelta(days=4))
    solver = SolverSettings(num_workers=1)
    preview = await preview_rebalance(store, solver, change, dates, today=now.date())
    await apply_rebalance(store, preview, now=now, today=now.date(), actor="test")
    return lesson


async def test_a_rebalanced_lesson_reaches_each_person_once_across_a_worker_kill(
    providers: tuple[fake.Providers, str], tmp_path: Path, database: str
) -> None:
    stand, base = providers
    store = Store(database)
    now = dt.datetime.now(dt.UTC)
    stand.wecom.members = set(WECOM.values())
    stand.dingtalk.members = {"0456zhaomin", "0789chenming"}
    (tmp_path / "coordinator.toml").write_text(
        CONFIG.format(
            base=base,
            corpid=fake.CORPID,
            agentid=fake.AGENTID,
            appkey=fake.APPKEY,
            agent_id=fake.DING_AGENT,
        )
    )
    env = coordinator_env(
        COORDINATOR_NOTIFICATIONS__WECOM__SECRET=fake.WECOM_SECRET,
        COORDINATOR_NOTIFICATIONS__DINGTALK__APPSECRET=fake.DING_SECRET,
    )
    command = [str(COORDINATOR), "--config", "coordinator.toml", "--db", database, "-v", "worker"]
    worker = ProcessGroup(command, log=tmp_path / "worker.log", cwd=tmp_path, env=env)
    try:
        await county_this_term(store, now)
        worker.start()
        await eventually(lambda: all_sent(store, "calendar"))  # the lessons of the next days
        pushed_first = len(stand.schedules.log) + len(stand.calendars.log)
        stand.schedules.stall.calls = 1  # the first schedule change after the rebalance hangs
        moved = await rebalance_next_lesson(store, dt.datetime.now(dt.UTC))
        await asyncio.wait_for(stand.schedules.stall.started.wait(), HANG_S)
        await asyncio.to_thread(worker.kill)  # mid-way through the outbox
        stand.schedules.stall.released.set()
        worker.start()
        await eventually(lambda: all_sent(store, "change"))
        await eventually(lambda: all_sent(store, "calendar"))
        await asyncio.sleep(3.0)  # a repeated push or message would come now
    finally:
        await asyncio.to_thread(worker.stop)
    try:
        changes = await rows(store, "change")
        async with store.read() as session:
            events = (await session.exec(select(models.CalendarEventRow))).all()
    finally:
        await store.close()
    assert worker.kills == 1
    assert pushed_first > 0
    # One change message per affected person, on their own channel, and nobody else.
    recipients = Counter(row.recipient for row in changes)
    assert f"teacher:{moved.teacher_id}" in recipients
    assert set(recipients.values()) == {1}
    assert {row.status for row in changes} == {"sent"}
    told = Counter(message["touser"] for message in stand.wecom.sent)
    told += Counter(
        user for task in stand.dingtalk.tasks.values() for user in task["unread_user_id_list"]
    )
    assert told == Counter(row.address for row in changes)
    # The old entry removed once from each calendar it was in ...
    old = [event for event in events if event.lesson_key == moved.key]
    assert old, "the moved lesson was in people's calendars"
    assert {event.state for event in old} == {"removed"}
    for event in old:
        log = stand.schedules.log if event.provider == "wecom" else stand.calendars.log
        removals = [item for item in log if item[0] in ("del", "delete")]
        assert [item[2] for item in removals].count(event.event_id) == 1, (event, log)
    # ... and every entry the providers hold is one the database knows, once: no duplicates.
    active = sorted((e.provider, e.event_id) for e in events if e.state == "active")
    held = [("wecom", key) for key in stand.schedules.schedules]
    held += [("dingtalk", key) for key in stand.calendars.events]
    assert active == sorted(held)
    assert any(event.lesson_key != moved.key and event.version == 1 for event in events)
