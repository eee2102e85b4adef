"""The demo's one process: the web server, the scheduler on the same event loop, the simulator.

`coordinator demo` serves the application and runs the worker (reminders, change notices,
no-show alerts, the outbox) beside it, started and stopped with the server: Ctrl+C or SIGTERM
stops the simulator, then the scheduler (releasing its leader lock), then the server. Messages
go to every configured channel and to the console channel, which prints one line each.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from coordinator.app import create_app
from coordinator.cli.support import notifier_for
from coordinator.jobs import Worker
from coordinator.notify import Channel, Delivery, build_channels
from coordinator.services.data.imports import load_bundle
from coordinator.services.demo.day import SCRIPT_STEPS, DemoDay, Timing, place_demo_day
from coordinator.services.demo.setup import CONSOLE_CHANNEL, names_of
from coordinator.services.scheduler.leader import Leadership, leadership_for
from coordinator.settings import Settings
from coordinator.simulation import Simulator
from coordinator.web.keys import STORE

log = logging.getLogger(__name__)

Echo = Callable[[str], None]
DEFAULT_PACE = dt.timedelta(seconds=15)
WILDCARDS = frozenset({"", "0.0.0.0", "::"})  # addresses to listen on, not to call


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ConsoleChannel:
    """The demo's visible channel: each message as one line in the terminal."""

    def __init__(self, echo: Echo, time_zone: str, names: dict[str, str] | None = None) -> None:
        self.echo, self.zone, self.names = echo, ZoneInfo(time_zone), names or {}

    async def send(self, delivery: Delivery) -> None:
        data = delivery.data
        clock = utc_now().astimezone(self.zone).strftime("%H:%M:%S")
        recipient = str(data.get("recipient", "?"))
        _, _, ident = recipient.partition(":")  # "assistant:a-hexi-2": say 李秀英
        who = self.names.get(ident, recipient) if ident else recipient
        self.echo(f"{clock}  message {data.get('kind', '?')} to {who}: {delivery.subject}")


class AnnouncedLeadership:
    """A leadership that says in the terminal when the scheduler starts and stops leading."""

    def __init__(self, inner: Leadership, echo: Echo, where: str) -> None:
        self.inner, self.echo, self.where = inner, echo, where
        self.standby = inner.standby
        self.leading = False

    async def acquire(self) -> bool:
        self.leading = await self.inner.acquire()
        if self.leading:
            self.echo(f"scheduler: leading ({self.where})")
        return self.leading

    async def held(self) -> bool:
        return await self.inner.held()

    async def release(self) -> None:
        if self.leading:
            self.echo("scheduler: stopped, leader lock released")
            self.leading = False
        await self.inner.release()


@dataclass(slots=True)
class DemoRun:
    """What the demo process runs; the simulator's task and day once it started."""

    settings: Settings
    echo: Echo
    simulate: bool = False
    pace: dt.timedelta = DEFAULT_PACE
    follow: bool = True  # play the rest of today after the script (False: the script only)
    teacher_id: str = ""  # the signed-in teacher and assistant, for the scenes to feature
    assistant_id: str = ""
    day: DemoDay | None = None
    simulation: Simulator | None = None  # its answers, once it started
    simulator: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        """Where the simulator reaches the server: loopback, as nginx-rtmp on the same host."""
        server = self.settings.server
        host = "127.0.0.1" if server.host in WILDCARDS else server.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{server.port}"


def _report_end(echo: Echo, what: str) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("%s failed", what, exc_info=error)
            echo(f"{what} stopped: {type(error).__name__}: {error}")

    return done


def demo_app(run: DemoRun) -> web.Application:
    """The application, with the demo's day, scheduler and simulator in its lifetime."""
    app = create_app(run.settings)

    async def demo_day(app: web.Application) -> AsyncIterator[None]:
        if run.simulate:
            run.day = await _place_day(app, run)
        yield

    async def scheduler(app: web.Application) -> AsyncIterator[None]:
        async with _scheduler_running(app, run):
            yield

    async def simulator(_app: web.Application) -> AsyncIterator[None]:
        if run.day is not None:
            run.simulator = asyncio.create_task(_simulate(run, run.day))
            run.simulator.add_done_callback(_report_end(run.echo, "simulator"))
        yield
        if run.simulator is not None:
            run.simulator.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await run.simulator

    app.cleanup_ctx.extend([demo_day, scheduler, simulator])  # after the store opens
    return app


async def _place_day(app: web.Application, run: DemoRun) -> DemoDay:
    settings, store = run.settings, app[STORE]
    bundle = await load_bundle(store)
    county = Counter(school.region_id for school in bundle.schools).most_common(1)[0][0]
    now = utc_now()
    today = now.astimezone(ZoneInfo(settings.default_time_zone)).date()
    timing = Timing.of(settings.notifications, run.pace)
    return await place_demo_day(
        store,
        bundle,
        county,
        timing,
        now=now,
        today=today,
        teacher_id=run.teacher_id,
        assistant_id=run.assistant_id,
    )


async def _simulate(run: DemoRun, day: DemoDay) -> None:
    settings = run.settings
    run.simulation = Simulator(
        run.base_url,
        day,
        settings.streams,
        time_zone=settings.default_time_zone,
        echo=run.echo,
    )
    until = None if run.follow else day.timing.at(day.started, SCRIPT_STEPS)
    await run.simulation.run(until=until)


@contextlib.asynccontextmanager
async def _scheduler_running(app: web.Application, run: DemoRun) -> AsyncIterator[None]:
    """The worker on this loop, with the console channel, until the application stops."""
    settings, store = run.settings, app[STORE]
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    notifier = notifier_for(settings)
    where = (
        f"lock file {store.url.database}.worker.lock"
        if store.is_sqlite
        else "PostgreSQL advisory lock"
    )
    leadership = AnnouncedLeadership(leadership_for(store), run.echo, where)
    stop = asyncio.Event()
    timeout = aiohttp.ClientTimeout(total=settings.notifications.send_timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        channels: dict[str, Channel] = dict(build_channels(settings.notifications, http))
        names = names_of(await load_bundle(store))
        channels[CONSOLE_CHANNEL] = ConsoleChannel(run.echo, settings.default_time_zone, names)
        task = asyncio.create_task(Worker(store, notifier, leadership, channels).run(stop))
        task.add_done_callback(_report_end(run.echo, "scheduler"))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(Exception):  # a failure was reported when it happened
                await task


def serve_demo(run: DemoRun) -> None:
    """Serve until Ctrl+C or SIGTERM, then stop the simulator, the scheduler and the server."""
    server = run.settings.server
    web.run_app(demo_app(run), host=server.host, port=server.port, print=None, access_log=None)
