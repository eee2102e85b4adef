"""A real `coordinator worker` process makes each lesson's meeting exactly once, even when it
is killed (SIGKILL, no clean-up) after the platform made the meeting and started again.

The platforms are the loopback ones that check signatures and tokens; the worker reads its
`[streams]` section from a settings file and its secrets from the environment, as deployed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from coordinator import models
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.store import Store
from tests.notify.support import add_lesson, seed
from tests.services.streaming.platforms import (
    CORP_SECRET,
    DING_SECRET,
    EEO_SECRET,
    PLATFORMS,
    TC_KEY,
    serving,
    streams_for,
)

COORDINATOR = Path(sys.executable).with_name("coordinator")
HANG_S = 90.0  # only a hang guard for a loaded machine, never a measure of speed
KEY = "s-music@2026-11-23"
SECRETS = {  # the keys that come from the environment only
    "wemeet": ("secret_key", TC_KEY),
    "wecom_living": ("secret", CORP_SECRET),
    "dingtalk_meeting": ("app_secret", DING_SECRET),
    "classin": ("secret", EEO_SECRET),
}


def toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
        )
    return json.dumps(value)  # strings and numbers are written alike in TOML and JSON


def settings_file(tmp_path: Path, platform: str, api_url: str) -> tuple[Path, dict[str, str]]:
    """The worker's settings file and the environment that carries the platform's secret."""
    section = streams_for(platform, api_url).section(platform)
    secret, value = SECRETS[platform]
    values = section.model_dump(mode="json", exclude={secret}, exclude_defaults=True)
    lines = [
        "[notifications]",
        "poll_s = 0.3",
        "outbox_poll_s = 0.3",
        "leader_retry_s = 0.3",
        "[streams]",
        f'provider = "{platform}"',
        f"[streams.{platform}]",
        f'api_url = "{api_url}"',
        *(f"{name} = {toml_value(v)}" for name, v in values.items() if name != "api_url"),
    ]
    path = tmp_path / "coordinator.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    variable = f"COORDINATOR_STREAMS__{platform.upper()}__{secret.upper()}"
    return path, {variable: value}


@contextmanager
def worker(config: Path, database: Path, env: dict[str, str], log: Path) -> Iterator[Any]:
    """`coordinator worker` as a process of its own, stopped however the block ends."""
    command = [str(COORDINATOR), "--config", str(config), "--db", str(database)]
    with log.open("a") as output:
        process = subprocess.Popen(
            [*command, "worker", "--no-jobs"],
            env=os.environ | env,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def stopped(process: Any) -> int:
    """Its exit code, waited for off the event loop: the fake platform serves from this loop,
    and a worker stopping mid-call waits for that call's answer (a blocking wait never gave it)."""
    return int(await asyncio.to_thread(process.wait, 30))


def said(log: Path) -> str:
    return log.read_text() if log.exists() else ""


async def eventually(check: Callable[[], Any], log: Path) -> None:
    began = time.monotonic()
    while not await check():
        text = said(log)
        assert time.monotonic() - began < HANG_S, f"hung; the worker said:\n{text[-3000:]}"
        await asyncio.sleep(0.1)


@asynccontextmanager
async def migrated_store(database: Path) -> AsyncIterator[Store]:
    command = [str(COORDINATOR), "--db", str(database), "db", "upgrade"]
    result = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    store = Store(str(database))
    try:
        yield store
    finally:
        await store.close()


async def meeting_state(store: Store) -> str:
    async with store.read() as session:
        row = await session.get(models.PlatformMeetingRow, KEY)
    return "" if row is None else row.state


async def move_lesson(store: Store, minutes: int, now: dt.datetime) -> None:
    """Publishing moved it: a new revision, and the change counter the worker watches."""
    async with store.write() as session:
        lesson = await session.get(models.LessonRow, KEY)
        assert lesson is not None
        lesson.start += dt.timedelta(minutes=minutes)
        lesson.end += dt.timedelta(minutes=minutes)
        lesson.revision += 1
        session.add(lesson)
        await bump_counter(session, FEEDS, now)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_one_meeting_per_lesson_across_a_killed_and_restarted_worker(
    tmp_path: Path, platform: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    database, log = tmp_path / "coordinator.db", tmp_path / "worker.log"
    async with serving(now) as (server, api_url), migrated_store(database) as store:
        await seed(store)
        await add_lesson(store, now + dt.timedelta(minutes=10), day=now.date())  # window open
        config, env = settings_file(tmp_path, platform, api_url)
        made = ["create", "sub_classes"] if platform == "classin" else ["create"]

        async def meeting_made() -> bool:
            return await meeting_state(store) == "active"

        with worker(config, database, env, log) as first:
            await eventually(meeting_made, log)
            first.send_signal(signal.SIGKILL)  # no clean-up: whatever it had not recorded is lost
            first.wait()
        calls_before_restart = [action for _, action in server.calls]
        with worker(config, database, env, log) as second:

            async def restarted() -> bool:
                return said(log).count("worker on") == 2

            await eventually(restarted, log)
            await move_lesson(store, 5, now)

            async def moved() -> bool:
                return "update" in [action for _, action in server.calls]

            await eventually(moved, log)
            await asyncio.sleep(1.5)  # a few more polls of the restarted worker: nothing more
            second.send_signal(signal.SIGTERM)
            assert await stopped(second) == 0
    assert calls_before_restart == made
    assert [action for _, action in server.calls] == [*made, "update"]
    assert len(server.meetings) == 1
    [meeting] = server.meetings.values()
    assert meeting.start == int((now + dt.timedelta(minutes=15)).timestamp())


async def test_classin_class_made_while_the_worker_died_waiting_is_not_made_twice(
    tmp_path: Path,
) -> None:
    """Killed while ClassIn had made the class but not yet answered: the new worker asks with
    the same uniqueIdentity and gets that class back (398), so there is still one."""
    now = dt.datetime.now(dt.UTC)
    database, log = tmp_path / "coordinator.db", tmp_path / "worker.log"
    async with serving(now) as (server, api_url), migrated_store(database) as store:
        await seed(store)
        await add_lesson(store, now + dt.timedelta(minutes=10), day=now.date())
        config, env = settings_file(tmp_path, "classin", api_url)
        server.hold_answer = True

        async def made_not_answered() -> bool:
            return server.holding.is_set()

        async def meeting_made() -> bool:
            return await meeting_state(store) == "active"

        with worker(config, database, env, log) as first:
            await eventually(made_not_answered, log)
            first.send_signal(signal.SIGKILL)
            first.wait()
        stored_before = await meeting_state(store)
        with worker(config, database, env, log) as second:
            await eventually(meeting_made, log)
            second.send_signal(signal.SIGTERM)
            assert await stopped(second) == 0
        async with store.read() as session:
            row = await session.get(models.PlatformMeetingRow, KEY)
    assert stored_before == "creating"  # only the intent: ClassIn needs no lookup
    assert [action for _, action in server.calls] == ["create", "sub_classes"]
    [(class_id, meeting)] = server.meetings.items()
    assert row is not None
    assert row.meeting_id == f"30:{class_id}"
    assert len(meeting.sub_classes) == 2


@pytest.mark.parametrize("platform", ["wemeet", "wecom_living"])
async def test_meeting_made_while_the_worker_died_waiting_is_found_not_made_again(
    tmp_path: Path, platform: str
) -> None:
    """Killed while the platform had made the meeting but not yet answered: the intent row
    the dead worker left makes the new one look the meeting up (past a cancelled copy and one
    a day later, on other pages of the host's list) and adopt it: still one meeting."""
    now = dt.datetime.now(dt.UTC)
    database, log = tmp_path / "coordinator.db", tmp_path / "worker.log"
    async with serving(now) as (server, api_url), migrated_store(database) as store:
        await seed(store)
        await add_lesson(store, now + dt.timedelta(minutes=10), day=now.date())
        config, env = settings_file(tmp_path, platform, api_url)
        server.hold_answer = True

        async def made_not_answered() -> bool:
            return server.holding.is_set()

        async def meeting_made() -> bool:
            return await meeting_state(store) == "active"

        with worker(config, database, env, log) as first:
            await eventually(made_not_answered, log)
            first.send_signal(signal.SIGKILL)
            first.wait()
        [(made_id, made)] = server.meetings.items()
        decoys = {
            "d-cancelled": replace(made, cancelled=True),
            "d-next-day": replace(made, start=made.start + 86400, end=made.end + 86400),
        }
        server.meetings = decoys | server.meetings  # listed first: the lookup pages past them
        stored_before = await meeting_state(store)
        with worker(config, database, env, log) as second:
            await eventually(meeting_made, log)
            second.send_signal(signal.SIGTERM)
            assert await stopped(second) == 0
        async with store.read() as session:
            row = await session.get(models.PlatformMeetingRow, KEY)
    assert stored_before == "creating"  # the intent the dead worker wrote before it asked
    assert [action for _, action in server.calls] == ["create"]
    assert [key for key, m in server.meetings.items() if not m.cancelled] == ["d-next-day", made_id]
    assert row is not None
    assert row.meeting_id == made_id
    assert server.lookups >= 2  # the made meeting was on the second page
