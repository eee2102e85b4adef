"""`coordinator demo --simulate`, in process: the real server on loopback, its scheduler on the
same loop, the simulator playing the scripted day through the API; the admin's Today page
(`/today.json`, signed in) shows every state, and the outbox holds the alerts the story needs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import col, select

from coordinator import models
from coordinator.cli.demo_process import DemoRun, demo_app
from coordinator.services.accounts.secret import secret_key
from coordinator.services.data.imports import load_bundle
from coordinator.services.demo.day import (
    CHECK_INS,
    GO_LIVE,
    LATE_GO_LIVE,
    SCRIPT_STEPS,
    STREAM_FAILS,
    DemoDay,
    Scene,
    Slot,
    Timing,
    place_demo_day,
    scene_start,
)
from coordinator.services.demo.setup import DemoResult, demo_settings, run_demo
from coordinator.services.lessons.grids import dated_lessons
from coordinator.services.reporting.today import GRACE
from coordinator.settings import ServerSettings, Settings, SolverSettings
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.test_demo import ROOT, free_port

PACE = dt.timedelta(seconds=3)
HANG_S = 120  # only a hang guard, never a claim about speed
ZONE = ZoneInfo("Asia/Shanghai")
# Quick polling; alerts for a missing classroom as soon as for a missing teacher (5 min), so
# the no-show alert fires within the script instead of ten minutes after its lesson starts.
NOTIFICATIONS = NotificationSettings(
    poll_s=1.0, outbox_poll_s=0.5, leader_retry_s=0.5, classroom_checkin_alert_minutes=5
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
async def demo(tmp_path: Path) -> tuple[Settings, DemoResult]:
    """The demo county in a fresh SQLite file, imported, solved, published, with sign-ins."""
    settings = Settings(
        database_url=str(tmp_path / "demo.db"),
        secret_key_file=str(tmp_path / ".coordinator-secret"),
        server=ServerSettings(port=free_port()),
        solver=SolverSettings(time_limit_s=3.0, num_workers=1),
        notifications=NOTIFICATIONS,
    )
    store = Store(settings.database_url)
    now = utc_now()
    try:
        result = await run_demo(
            store,
            settings,
            ROOT / "config" / "demo",
            now=now,
            today=now.astimezone(ZONE).date(),
            base_url=f"http://127.0.0.1:{settings.server.port}",
        )
    finally:
        await store.close()
    return demo_settings(settings, secret_key(settings)), result


async def signed_in(http: aiohttp.ClientSession, base: str, result: DemoResult) -> None:
    """As a browser: the form's CSRF token, then the admin's password."""
    password = next(password for _, user, password in result.sign_ins if user == "admin")
    async with http.get(f"{base}/signin") as form:
        token = re.search(r'name="_csrf" value="([^"]+)"', await form.text())
    assert token is not None
    data = {"_csrf": token.group(1), "username": "admin", "password": password, "next": ""}
    async with http.post(f"{base}/signin", data=data) as answer:
        assert answer.status == 200
        assert answer.url.path == "/today"


async def board(http: aiohttp.ClientSession, base: str) -> dict[str, dict[str, Any]]:
    async with http.get(f"{base}/today.json") as response:
        assert response.status == 200
        return {lesson["key"]: lesson for lesson in (await response.json())["lessons"]}


@pytest.fixture
async def playing(demo: tuple[Settings, DemoResult]) -> AsyncIterator[DemoRun]:
    """The demo's application on loopback, simulating the scripted part of the day."""
    settings, result = demo
    run = DemoRun(
        settings,
        echo=lambda _line: None,
        simulate=True,
        pace=PACE,
        follow=False,
        teacher_id=result.teacher_id,
        assistant_id=result.assistant_id,
    )
    runner = web.AppRunner(demo_app(run))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.server.port).start()
    try:
        yield run
    finally:
        await runner.cleanup()


async def outbox_alerts(store: Store) -> list[str]:
    query = select(models.NotificationRow.id).where(col(models.NotificationRow.kind) == "alert")
    async with store.read() as session:
        return sorted((await session.exec(query)).all())


async def first_publish(store: Store, lesson_key: str) -> dt.datetime:
    query = (
        select(models.StreamEventRow.at)
        .where(col(models.StreamEventRow.lesson_key) == lesson_key)
        .where(col(models.StreamEventRow.kind) == "publish", col(models.StreamEventRow.accepted))
        .order_by(col(models.StreamEventRow.at))
    )
    async with store.read() as session:
        found = (await session.exec(query)).first()
    assert found is not None, f"{lesson_key} never went live"
    return found


async def test_simulated_day_shows_every_today_state_and_fires_the_alerts(
    demo: tuple[Settings, DemoResult], playing: DemoRun
) -> None:
    settings, result = demo
    base = playing.base_url
    seen: dict[str, set[str]] = defaultdict(set)
    jar = aiohttp.CookieJar(unsafe=True)  # the session cookie of a server at an IP address
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        await signed_in(http, base, result)
        assert playing.day is not None
        assert playing.simulator is not None
        scenes = {placed.scene: placed for placed in playing.day.lessons}
        hang = time.monotonic() + SCRIPT_STEPS * PACE.total_seconds() + HANG_S
        while not playing.simulator.done():  # watch the page while the script plays
            assert time.monotonic() < hang, "hung: the script never finished"
            for key, lesson in (await board(http, base)).items():
                seen[key].add(lesson["state"])
            await asyncio.sleep(0.25)
        playing.simulator.result()  # raises if the simulator failed
        final = await board(http, base)

    assert set(scenes) == set(Scene)
    assert {state for states in seen.values() for state in states} >= {
        "upcoming",
        "live",
        "late",
        "failed",
        "ended",
    }
    on_time = final[scenes[Scene.ON_TIME].key]
    assert (on_time["state"], on_time["teacher_live"]) == ("live", True)
    assert all(room["checked_in"] and not room["late"] for room in on_time["rooms"])

    teacher_late = final[scenes[Scene.TEACHER_LATE].key]
    assert "late" in seen[teacher_late["key"]]
    assert (teacher_late["state"], teacher_late["teacher_live"]) == ("live", True)

    failed = final[scenes[Scene.STREAM_FAILED].key]
    assert failed["state"] == "failed"
    failing = scenes[Scene.STREAM_FAILED].failing
    assert [room["id"] for room in failed["rooms"] if room["failed"]] == [failing]

    no_show = final[scenes[Scene.NO_SHOW].key]
    missing = scenes[Scene.NO_SHOW].missing
    assert no_show["state"] == "late"
    assert [room["id"] for room in no_show["rooms"] if not room["checked_in"]] == [missing]

    ended = final[scenes[Scene.REPORTED_LATE].key]
    assert ended["state"] == "ended"
    assert ended["rooms"]
    assert all(room["checked_in"] and room["late"] for room in ended["rooms"])

    assert final[scenes[Scene.UPCOMING].key]["state"] == "upcoming"

    assert playing.simulation is not None
    statuses = [status for _, status in playing.simulation.answers]
    assert statuses
    assert set(statuses) <= {200, 201}

    store = Store(settings.database_url)
    try:
        late_key = scenes[Scene.TEACHER_LATE].key
        went_live = await first_publish(store, late_key)
        assert went_live >= playing.day.timing.at(playing.day.started, LATE_GO_LIVE)
        assert went_live > scenes[Scene.TEACHER_LATE].start
        on_time_live = await first_publish(store, scenes[Scene.ON_TIME].key)
        assert on_time_live < scenes[Scene.ON_TIME].start
        assert on_time_live >= playing.day.timing.at(playing.day.started, GO_LIVE)

        expected = {
            f"alert:no_checkin:{scenes[Scene.NO_SHOW].key}:0:{missing}",
            f"alert:not_live:{late_key}:0",
        }
        deadline = time.monotonic() + HANG_S
        while True:  # the problem report is scanned every poll_s
            alerts = await outbox_alerts(store)
            kinds = {":".join(alert.split(":")[:2]) for alert in alerts}
            if "alert:problem" in kinds or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await store.close()
    purposes = {alert.rsplit(":webhook:", 1)[0] for alert in alerts}
    no_shows = {p for p in purposes if p.startswith(("alert:no_checkin", "alert:not_live"))}
    assert no_shows == expected
    assert any(p.startswith("alert:problem:") for p in purposes)


@pytest.mark.parametrize("pace_s", [1, 15, 60])
def test_scene_times_meet_the_scheduler_checks_with_the_default_settings(pace_s: int) -> None:
    timing = Timing.of(NotificationSettings(), dt.timedelta(seconds=pace_s))
    started = dt.datetime(2026, 11, 21, 13, 0, tzinfo=dt.UTC)
    lesson = dt.timedelta(minutes=40)

    def start(scene: Scene) -> dt.datetime:
        return scene_start(scene, started, lesson, timing)

    def step(number: int) -> dt.datetime:
        return timing.at(started, number)

    late = start(Scene.TEACHER_LATE)
    assert late + timing.live_alert <= step(CHECK_INS) < step(LATE_GO_LIVE)  # checked, then live
    assert late + GRACE <= step(CHECK_INS)  # late on Today before the teacher goes live
    assert late + timing.checkin_alert > step(GO_LIVE)  # its classrooms are in by then
    no_show = start(Scene.NO_SHOW)
    assert no_show + timing.live_alert > step(GO_LIVE)  # its teacher is live by the live check
    assert no_show + GRACE <= step(CHECK_INS) + timing.live_alert
    on_time = start(Scene.ON_TIME)
    assert step(GO_LIVE) < on_time < step(LATE_GO_LIVE) < on_time + timing.checkin_alert
    failed = start(Scene.STREAM_FAILED)
    assert step(GO_LIVE) < failed < step(STREAM_FAILS) < failed + timing.checkin_alert
    ended = start(Scene.REPORTED_LATE)
    assert ended + lesson < step(CHECK_INS)  # its check-ins arrive after the end: late
    checks = max(timing.live_alert, timing.checkin_alert)
    assert ended + checks < started - timing.misfire_grace  # never checked by the scheduler
    assert start(Scene.UPCOMING) > step(SCRIPT_STEPS) + dt.timedelta(minutes=30)


async def place(store: Store, tmp_path: Path, now: dt.datetime) -> tuple[DemoResult, DemoDay]:
    """The demo county as if run at `now`, and its day placed at that moment."""
    settings = Settings(
        database_url=store.describe(),
        secret_key_file=str(tmp_path / ".coordinator-secret"),
        solver=SolverSettings(time_limit_s=3.0, num_workers=1),
    )
    today = now.astimezone(ZONE).date()
    result = await run_demo(
        store, settings, ROOT / "config" / "demo", now=now, today=today, base_url="http://x"
    )
    bundle = await load_bundle(store)
    day = await place_demo_day(
        store,
        bundle,
        result.county,
        Timing.of(NotificationSettings(), dt.timedelta(seconds=15)),
        now=now,
        today=today,
        teacher_id=result.teacher_id,
        assistant_id=result.assistant_id,
    )
    return result, day


async def stored_slots(store: Store, day: dt.date) -> list[Slot]:
    async with store.read() as session:
        lessons = await dated_lessons(session, day, day)
    return [
        Slot(row.key, row.date, row.teacher_id, tuple(rooms), row.start, row.end)
        for row, rooms in lessons
    ]


async def test_demo_day_on_a_saturday_evening_moves_mondays_lessons_to_now(
    empty_store: Store, tmp_path: Path
) -> None:
    saturday_evening = dt.datetime(2026, 11, 21, 21, 0, tzinfo=ZONE)
    result, day = await place(empty_store, tmp_path, saturday_evening)

    assert day.day == dt.date(2026, 11, 21)
    assert {placed.planned_date for placed in day.lessons} == {dt.date(2026, 11, 23)}
    assert [placed.scene for placed in day.lessons] == [
        Scene.ON_TIME,
        Scene.STREAM_FAILED,
        Scene.NO_SHOW,
        Scene.TEACHER_LATE,
        Scene.REPORTED_LATE,
        Scene.UPCOMING,
    ]
    stored = {slot.key: slot for slot in await stored_slots(empty_store, day.day)}
    assert sorted(stored) == sorted(placed.key for placed in day.lessons)
    for placed in day.lessons:
        slot = stored[placed.key]
        assert (slot.start, slot.end) == (placed.start, placed.end)
        assert slot.start == scene_start(
            placed.scene, day.started, slot.end - slot.start, day.timing
        )
    on_time = stored[day.lessons[0].key]
    assert on_time.teacher_id == result.teacher_id  # the signed-in teacher's page shows it
    no_show = next(placed for placed in day.lessons if placed.scene is Scene.NO_SHOW)
    assert no_show.missing is not None
    assert day.rooms[no_show.missing].assistant_id == result.assistant_id
    assert set(day.tokens) == {room.assistant_id for room in day.rooms.values()}


async def test_demo_day_on_a_school_morning_moves_todays_lessons_without_clashes(
    empty_store: Store, tmp_path: Path
) -> None:
    monday_morning = dt.datetime(2026, 11, 23, 10, 5, tzinfo=ZONE)
    _, day = await place(empty_store, tmp_path, monday_morning)

    assert day.day == dt.date(2026, 11, 23)
    assert {placed.planned_date for placed in day.lessons} == {day.day}
    slots = await stored_slots(empty_store, day.day)
    moved = {placed.key for placed in day.lessons}
    assert moved <= {slot.key for slot in slots}
    clashes = [(a.key, b.key) for a in slots if a.key in moved for b in slots if a.clashes(b)]
    assert clashes == []
