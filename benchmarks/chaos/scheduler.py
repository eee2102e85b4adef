"""Three `coordinator worker` processes on one PostgreSQL database, leaders SIGKILLed in turn.

A small synthetic county; three workers started at once (one leads through the advisory
lock, two stand by, retrying every `leader_retry_s`, 3 s by default). Then lessons are
published whose reminders fall due one after another, and the leader of the moment is
SIGKILLed while they do. Every reminder goes to a real receiver: a webhook on loopback that
records each POST. Each worker writes JSON logs (-vv): when it took the lead, and
APScheduler's line for every job it ran.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from sqlalchemy import insert, select
from sqlmodel import col

from benchmarks.processes import COORDINATOR, ProcessGroup, until
from coordinator import models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from coordinator.store.schema import upgrade

WORKERS = 3
RUNNING = re.compile(r'Running job "Jobs\.reminder \(trigger: date\[([^\]]+)\]')
CONFIG = """[notifications]
channels = ["webhooks"]
reminder_minutes = 1
poll_s = 1.0                # re-read the change counter every second (default 30)
send_timeout_s = 3.0

[notifications.webhooks.receiver]
url = "http://127.0.0.1:{port}/hook"
kinds = ["reminder"]
"""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Lesson:
    key: str
    reminder_at: dt.datetime  # whole seconds, one lesson per second at most
    start: dt.datetime


@dataclass(frozen=True, slots=True)
class Takeover:
    killed: int  # worker number
    killed_at: dt.datetime
    leader: int | None  # the worker that led next, if any within the bound
    seconds: float | None


@dataclass(slots=True)
class Receiver:
    """A webhook on loopback: every POST with its time."""

    posts: list[tuple[dt.datetime, dict[str, object]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append((utc_now(), await request.json()))
        return web.json_response({"ok": True})


@dataclass(slots=True)
class Result:
    lessons: list[Lesson]
    takeovers: list[Takeover]
    posts: list[tuple[dt.datetime, dict[str, object]]]
    outbox: dict[str, tuple[str, str]]  # id -> (lesson key, status)
    job_runs: Counter[tuple[int, str]]  # (worker, lesson key) -> reminder job bodies run
    per_lesson: int  # messages each lesson's reminder makes (teacher + assistant)

    def delivered(self, key: str) -> tuple[int, int]:
        """(distinct messages, raw POSTs) of a lesson's reminders at the receiver."""
        ids = [str(body["id"]) for _, body in self.posts if body.get("lesson_key") == key]
        return len(set(ids)), len(ids)

    @property
    def missed(self) -> list[str]:
        return [le.key for le in self.lessons if self.delivered(le.key)[0] < self.per_lesson]

    @property
    def repeated_posts(self) -> int:
        return sum(raw - distinct for distinct, raw in map(self.delivered, self.keys))

    @property
    def keys(self) -> list[str]:
        return [lesson.key for lesson in self.lessons]

    def lateness(self) -> list[float]:
        """Seconds from each reminder's due time to its first delivery."""
        due = {lesson.key: lesson.reminder_at for lesson in self.lessons}
        first: dict[str, dt.datetime] = {}
        for at, body in self.posts:
            key = str(body.get("lesson_key"))
            if key in due:
                first[key] = min(first.get(key, at), at)
        return [(first[key] - due[key]).total_seconds() for key in due if key in first]

    def runs_of(self, key: str) -> int:
        """How many times the lesson's reminder job body ran, over all leaders."""
        return sum(n for (_, lesson), n in self.job_runs.items() if lesson == key)

    @property
    def after_start(self) -> int:
        """Reminders that arrived once their lesson had begun (too late to be of use)."""
        starts = {lesson.key: lesson.start for lesson in self.lessons}
        return sum(
            1
            for at, body in self.posts
            if (start := starts.get(str(body.get("lesson_key")))) is not None and at >= start
        )


def log_lines(path: Path) -> Iterator[dict[str, str]]:
    """The JSON log lines a worker wrote so far."""
    if not path.exists():
        return
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def led_at(path: Path) -> list[dt.datetime]:
    """When this worker took the lead (each time)."""
    return [
        dt.datetime.fromisoformat(entry["time"])
        for entry in log_lines(path)
        if entry.get("logger") == "coordinator.services.scheduler.leader"
        and entry.get("message", "").startswith("leading")
    ]


class Workers:
    """Three `coordinator worker` processes on one database, each with its JSON log."""

    def __init__(self, database: str, folder: Path) -> None:
        self.folder = folder
        self.groups = [
            ProcessGroup(
                [
                    str(COORDINATOR),
                    "--config",
                    str(folder / "coordinator.toml"),
                    "--db",
                    database,
                    "-vv",
                    "--log-format",
                    "json",
                    "worker",
                ],
                log=folder / f"worker-{n}.log",
                cwd=folder,
            )
            for n in range(WORKERS)
        ]

    def start(self) -> None:
        for group in self.groups:
            group.start()

    def stop(self) -> None:
        for group in self.groups:
            group.stop()

    def leader(self, since: dt.datetime) -> tuple[int, dt.datetime] | None:
        """The worker that took the lead last after `since`, if one did (and still runs)."""
        found = [
            (at, n)
            for n, group in enumerate(self.groups)
            if group.running()
            for at in led_at(group.log)
            if at >= since
        ]
        return (max(found)[1], max(found)[0]) if found else None

    async def await_leader(self, since: dt.datetime, bound_s: float) -> tuple[int, dt.datetime]:
        deadline = time.monotonic() + bound_s
        while (found := self.leader(since)) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no worker led within {bound_s:.0f} s; logs in {self.folder}")
            await asyncio.sleep(0.05)
        return found

    def job_runs(self, lessons: list[Lesson]) -> Counter[tuple[int, str]]:
        """Reminder job bodies run per (worker, lesson), from APScheduler's log lines."""
        by_time = {f"{lesson.reminder_at:%Y-%m-%d %H:%M:%S} UTC": lesson.key for lesson in lessons}
        runs: Counter[tuple[int, str]] = Counter()
        for n, group in enumerate(self.groups):
            for entry in log_lines(group.log):
                match = RUNNING.search(entry.get("message", ""))
                if match and match.group(1) in by_time:
                    runs[n, by_time[match.group(1)]] += 1
        return runs


async def seed_county(database: str) -> tuple[str, str, str]:
    """Schema and a small synthetic county: (teacher, subject, classroom) for the lessons."""
    store = Store(database)
    try:
        await upgrade(store)
        bundle = generate_bundle(classrooms=2, teachers=1, seed=5)
        await import_bundle(store, bundle, source="failover", now=utc_now())
    finally:
        await store.close()
    teacher = bundle.network_teachers[0]
    return teacher.id, teacher.subjects[0], bundle.classrooms[0].id


async def publish(
    database: str, who: tuple[str, str, str], count: int, spacing: float, lead_s: float
) -> list[Lesson]:
    """`count` lessons whose reminders fall due `spacing` s apart from `lead_s` s from now."""
    if spacing < 1:
        raise ValueError("reminders at least a second apart: jobs are told apart by the second")
    teacher, subject, room = who
    first = utc_now().replace(microsecond=0) + dt.timedelta(seconds=lead_s)
    lessons = []
    for n in range(count):
        due = first + dt.timedelta(seconds=round(n * spacing))
        lessons.append(Lesson(f"failover-{n}@{due.date()}", due, due + dt.timedelta(minutes=1)))
    store = Store(database)
    try:
        async with store.write() as session:
            connection = await session.connection()
            await connection.execute(
                insert(models.LessonRow),
                [_row(lesson, teacher, subject) for lesson in lessons],
            )
            await connection.execute(
                insert(models.LessonClassroomRow),
                [{"lesson_key": lesson.key, "classroom_id": room} for lesson in lessons],
            )
            await bump_counter(session, FEEDS, utc_now())  # the leader re-plans within poll_s
    finally:
        await store.close()
    return lessons


def _row(lesson: Lesson, teacher: str, subject: str) -> dict[str, object]:
    return {
        "key": lesson.key,
        "uid": lesson.key,
        "session_key": lesson.key.split("@")[0],
        "date": lesson.start.date(),
        "teacher_id": teacher,
        "subject_id": subject,
        "start": lesson.start,
        "end": lesson.start + dt.timedelta(minutes=40),
        "time_zone": "Asia/Shanghai",
        "status": "scheduled",
        "revision": 0,
        "fingerprint": "0" * 32,
        "conflicts": [],
        "changed_at": utc_now() - dt.timedelta(days=3),
    }


async def outbox(database: str) -> dict[str, tuple[str, str]]:
    table = models.NotificationRow
    store = Store(database)
    try:
        async with store.reader.connect() as connection:
            query = select(col(table.id), col(table.lesson_key), col(table.status))
            return {i: (str(k), s) for i, k, s in (await connection.execute(query)).all()}
    finally:
        await store.close()


async def failover_run(
    database: str, folder: Path, *, lessons: int, spacing: float, kills: int, tail_s: float = 40.0
) -> Result:
    """Start three workers, publish, kill the leader `kills` times, collect what arrived."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    (folder / "coordinator.toml").write_text(CONFIG.format(port=port))
    who = await seed_county(database)
    workers = Workers(database, folder)
    takeovers: list[Takeover] = []
    try:
        began = utc_now()
        workers.start()
        leader, _ = await workers.await_leader(began, bound_s=60)
        planned = await publish(database, who, lessons, spacing, lead_s=4.0)
        span = planned[-1].reminder_at - planned[0].reminder_at
        for k in range(kills):
            strike_at = planned[0].reminder_at + span * (k + 1) / (kills + 1)
            await asyncio.sleep(max(0.0, (strike_at - utc_now()).total_seconds()))
            killed, killed_at = leader, utc_now()
            await asyncio.to_thread(workers.groups[killed].kill)
            try:
                leader, at = await workers.await_leader(killed_at, bound_s=30)
            except RuntimeError:
                takeovers.append(Takeover(killed, killed_at, None, None))
                break
            takeovers.append(Takeover(killed, killed_at, leader, (at - killed_at).total_seconds()))
        wanted = 2 * len(planned)
        await until(
            lambda: len({body["id"] for _, body in receiver.posts}) >= wanted,
            every_s=0.2,
            bound_s=(planned[-1].reminder_at - utc_now()).total_seconds() + tail_s,
        )
        await asyncio.sleep(1.0)  # a repeated POST would arrive now
    finally:
        await asyncio.to_thread(workers.stop)
        await runner.cleanup()
    return Result(
        planned,
        takeovers,
        list(receiver.posts),
        await outbox(database),
        workers.job_runs(planned),
        per_lesson=2,
    )
