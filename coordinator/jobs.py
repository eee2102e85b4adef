"""APScheduler wiring: jobs rebuilt from the database; each job looks things up, calls a service.

Only the leader schedules. Per lesson revision there are date jobs `reminder:KEY:REV`,
`checkin:KEY:REV`, `live:KEY:REV` and, for providers whose rooms must be opened first
(BigBlueButton), `room:KEY:REV`; fixed interval jobs re-read the change counter
(`rebuild`), send due messages (`outbox`), look for failure reports (`reports`) and forget
check-in answers too old to be asked for again (`housekeeping`). A job that
runs twice, here or on a new leader, enqueues nothing new: the outbox ids are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coordinator.notify import Channel, build_channels
from coordinator.observability.metrics import job_finished
from coordinator.services import checkins
from coordinator.services.accounts.housekeeping import forget_expired_sign_ins
from coordinator.services.data import staging
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.notifications import (
    admin_people,
    alerts,
    announced,
    calendar_push,
    receipts,
    reminders,
)
from coordinator.services.notifications import outbox as notifications
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.calendar_sync import calendar_channels
from coordinator.services.notifications.reminders import Notifier, PlannedJob
from coordinator.services.scheduler import job_runs
from coordinator.services.scheduler.leader import Leadership, WorkerAlreadyRunning
from coordinator.services.streaming import evidence, meetings, rooms
from coordinator.store import Store
from coordinator.streams.platform import ApiAnswer, ApiCall

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
LESSON_JOBS = ("reminder", "checkin", "escalate", "live", "room", "evidence")
RETRIED = ("room", "evidence")  # a failed one is planned again by the next full rebuild
HOUSEKEEPING_EVERY = dt.timedelta(hours=6)
# Remembered check-in answers outlive the oldest report a phone may still send (30 days by
# default) by a day, so a retry from an outbox always gets the first answer again.
DEFAULT_KEEP_ANSWERS = dt.timedelta(days=31)
JOB_RESULTS = {EVENT_JOB_EXECUTED: "run", EVENT_JOB_ERROR: "failed", EVENT_JOB_MISSED: "missed"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fetch_with(http: aiohttp.ClientSession) -> rooms.Fetch:
    """GET through the worker's HTTP session; client errors surface as OSError."""

    async def fetch(url: str) -> tuple[int, str]:
        try:
            async with http.get(url) as response:
                return response.status, await response.text()
        except aiohttp.ClientError as error:
            raise OSError(f"{type(error).__name__}: {error}") from error

    return fetch


def send_with(http: aiohttp.ClientSession) -> meetings.Send:
    """Send a platform's API call through the worker's HTTP session."""

    async def send(call: ApiCall) -> ApiAnswer:
        try:
            async with http.request(
                call.method, call.url, headers=dict(call.headers), data=call.body or None
            ) as response:
                return ApiAnswer(response.status, await response.read())
        except aiohttp.ClientError as error:
            raise OSError(f"{type(error).__name__}: {error}") from error

    return send


async def _no_fetch(url: str) -> tuple[int, str]:
    raise OSError(f"this worker makes no HTTP calls ({url.split('?', 1)[0]})")


class Jobs:
    """The job functions of one leadership term and what they share."""

    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        channels: Mapping[str, Channel],
        scheduler: AsyncIOScheduler,
        clock: Clock = utc_now,
        keep_answers: dt.timedelta = DEFAULT_KEEP_ANSWERS,
        fetch: rooms.Fetch = _no_fetch,
        sync: meetings.MeetingSync | None = None,
    ) -> None:
        self.store, self.notifier, self.channels = store, notifier, channels
        self.scheduler, self.clock, self.keep_answers = scheduler, clock, keep_answers
        self.fetch, self.meetings = fetch, sync or meetings.MeetingSync()
        self.finished: set[str] = set()  # lesson jobs run (or missed) in this term
        self._generation = -1
        self._built_at: dt.datetime | None = None
        self._directory: Directory | None = None
        self._sending = asyncio.Lock()
        self._planning = asyncio.Lock()

    def install(self) -> None:
        """The fixed jobs, and a listener that remembers which lesson jobs are done."""
        settings = self.notifier.settings
        every = {
            "rebuild": settings.poll_s,
            "outbox": settings.outbox_poll_s,
            "reports": settings.poll_s,
        }
        every["housekeeping"] = HOUSEKEEPING_EVERY.total_seconds()
        for name, seconds in every.items():
            self.scheduler.add_job(
                getattr(self, name), "interval", seconds=seconds, id=name, **self._options()
            )
        self.scheduler.add_listener(
            self._finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )

    def _options(self) -> dict[str, object]:
        grace = self.notifier.settings.misfire_grace_minutes * 60
        return {"coalesce": True, "misfire_grace_time": grace, "replace_existing": True}

    def _finished(self, event: JobEvent) -> None:
        job_finished(event.job_id, JOB_RESULTS[event.code])
        kind = event.job_id.split(":", 1)[0]
        if kind in RETRIED and event.code == EVENT_JOB_ERROR:
            return  # not opened (or read): the next full rebuild plans it again
        if kind in LESSON_JOBS:
            self.finished.add(event.job_id)

    async def directory(self) -> Directory:
        if self._directory is None:
            self._directory = Directory.of(await load_bundle(self.store))
        return self._directory

    async def reminder(self, lesson_key: str, revision: int) -> None:
        await self._lesson_job("reminder", reminders.send_reminders, lesson_key, revision)

    async def checkin(self, lesson_key: str, revision: int) -> None:
        await self._lesson_job("checkin", alerts.check_classrooms, lesson_key, revision)

    async def escalate(self, lesson_key: str, revision: int) -> None:
        await self._lesson_job("escalate", alerts.escalate_classrooms, lesson_key, revision)

    async def live(self, lesson_key: str, revision: int) -> None:
        await self._lesson_job("live", alerts.check_teacher_live, lesson_key, revision)

    async def room(self, lesson_key: str, revision: int) -> None:
        opener = functools.partial(rooms.open_room, fetch=self.fetch, meetings=self.meetings)
        await self._lesson_job("room", opener, lesson_key, revision)

    async def evidence(self, lesson_key: str, revision: int) -> None:
        puller = functools.partial(evidence.pull_evidence, sync=self.meetings)
        await self._lesson_job("evidence", puller, lesson_key, revision)

    async def _lesson_job(
        self,
        kind: str,
        service: Callable[..., Awaitable[int]],
        lesson_key: str,
        revision: int,
    ) -> None:
        """Run one lesson job unless a leader already did; record it when it is done."""
        job_id = f"{kind}:{lesson_key}:{revision}"
        if await job_runs.already_run(self.store, [job_id]):
            log.info("%s ran already (an earlier leader): skipped", job_id)
            return
        directory = await self.directory()
        await service(
            self.store,
            self.notifier,
            directory,
            lesson_key=lesson_key,
            revision=revision,
            now=self.clock(),
        )
        await job_runs.record_run(self.store, job_id, self.clock())
        if kind not in RETRIED:
            await self.outbox()

    async def reports(self) -> None:
        now = self.clock()
        if await alerts.scan_reports(self.store, self.notifier, await self.directory(), now=now):
            await self.outbox()

    async def outbox(self) -> None:
        async with self._sending:
            settings = self.notifier.settings
            await notifications.deliver_due(self.store, settings, self.channels, now=self.clock())
            await receipts.check_receipts(self.store, settings, self.channels, now=self.clock())

    async def housekeeping(self) -> int:
        """Forget check-in answers older than `keep_answers` (the number forgotten), job runs,
        sign-in state past its use and uploads staged but never imported."""
        now = self.clock()
        await job_runs.forget_runs(self.store, before=now - job_runs.KEPT)
        await forget_expired_sign_ins(self.store, now=now)
        await staging.forget_old(self.store, now=now)
        forgotten = await checkins.purge_answers(self.store, before=now - self.keep_answers)
        if forgotten:
            log.info("forgot %d check-in answer(s) older than %s", forgotten, self.keep_answers)
        return forgotten

    async def rebuild(self) -> bool:
        """Re-plan when the data changed (or the horizon moved on); True when it did."""
        async with self._planning:
            return await self._rebuild()

    async def _rebuild(self) -> bool:
        now = self.clock()
        generation = await reminders.change_generation(self.store)
        every = dt.timedelta(minutes=self.notifier.settings.full_rebuild_minutes)
        fresh = self._built_at is not None and now - self._built_at < every
        if generation == self._generation and fresh:
            return False
        if generation != self._generation:
            self._generation, self._directory = generation, None
        directory = await self.directory()
        self.notifier = await admin_people.with_admins(self.store, self.notifier, directory)
        await reminders.send_change_notices(self.store, self.notifier, directory, now=now)
        await calendar_push.plan_calendar_pushes(self.store, self.notifier, directory, now=now)
        horizon = dt.timedelta(hours=self.notifier.settings.change_horizon_hours)
        await announced.note_upcoming(self.store, horizon=horizon, now=now)
        lessons = await reminders.upcoming_lessons(self.store, self.notifier, now)
        planned = reminders.reminder_jobs(lessons, self.notifier.settings, now)
        planned += alerts.alert_jobs(lessons, self.notifier, directory, now)
        planned += rooms.room_jobs(lessons, self.notifier, directory, now)
        planned += await meetings.change_jobs(self.store, now)  # after: at once wins
        planned += await evidence.evidence_jobs(self.store, now)
        self.finished |= await job_runs.already_run(self.store, [job.id for job in planned])
        self.schedule(planned)
        self._built_at = now
        await self.outbox()
        return True

    def schedule(self, planned: list[PlannedJob]) -> None:
        """Make the scheduler's lesson jobs exactly the planned ones not yet run."""
        wanted = {job.id: job for job in planned if job.id not in self.finished}
        for job in self.scheduler.get_jobs():
            if job.id.split(":", 1)[0] in LESSON_JOBS and job.id not in wanted:
                job.remove()
        for job in wanted.values():
            self.scheduler.add_job(
                getattr(self, job.kind),
                "date",
                run_date=job.run_at,
                args=(job.lesson_key, job.revision),
                id=job.id,
                **self._options(),
            )
        log.info("scheduled %d lesson job(s)", len(wanted))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class Worker:
    """Waits for leadership, schedules while it leads, stops the moment it is lost."""

    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        leadership: Leadership,
        channels: Mapping[str, Channel],
        clock: Clock = utc_now,
        keep_answers: dt.timedelta = DEFAULT_KEEP_ANSWERS,
        fetch: rooms.Fetch = _no_fetch,
        sync: meetings.MeetingSync | None = None,
    ) -> None:
        self.store, self.notifier, self.leadership = store, notifier, leadership
        self.channels, self.clock, self.keep_answers = channels, clock, keep_answers
        self.fetch, self.meetings = fetch, sync or meetings.MeetingSync()
        self.jobs: Jobs | None = None  # while leading

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                await self._term(stop)
        finally:
            await self.leadership.release()  # a standby's connection too

    async def _term(self, stop: asyncio.Event) -> None:
        """Lead until stopped or the lock is lost; or wait as a standby; or refuse."""
        if await self.leadership.acquire():
            try:
                await self._lead(stop)
            finally:
                await self.leadership.release()
        elif not self.leadership.standby:
            raise WorkerAlreadyRunning(
                f"{self.store.describe()}: another worker is running (one per SQLite database)"
            )
        else:
            await _pause(stop, self.notifier.settings.leader_retry_s)

    async def _lead(self, stop: asyncio.Event) -> None:
        scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self.jobs = Jobs(
            self.store,
            self.notifier,
            self.channels,
            scheduler,
            self.clock,
            self.keep_answers,
            self.fetch,
            self.meetings,
        )
        self.jobs.install()
        scheduler.start()
        try:
            try:
                await self.jobs.rebuild()
            except Exception:
                log.exception("the first rebuild failed; the `rebuild` job tries again")
            while not stop.is_set() and await self.leadership.held():
                await _pause(stop, self.notifier.settings.leader_retry_s)
        finally:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the shutdown runs on the loop
            self.jobs = None
            log.info("stopped leading")


async def run_worker(
    store: Store,
    notifier: Notifier,
    leadership: Leadership,
    stop: asyncio.Event,
    keep_answers: dt.timedelta = DEFAULT_KEEP_ANSWERS,
) -> None:
    """The worker with the channels the settings configure, until `stop` is set."""
    timeout = aiohttp.ClientTimeout(total=notifier.settings.send_timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        tokens = DatabaseTokens(store, notifier.settings.tokens)
        channels = build_channels(notifier.settings, http, tokens)
        channels |= calendar_channels(store, notifier.settings, http, tokens)
        log.info("worker channels: %s", sorted(channels) or "none")
        worker = Worker(
            store,
            notifier,
            leadership,
            channels,
            keep_answers=keep_answers,
            fetch=fetch_with(http),
            sync=meetings.MeetingSync(send_with(http), tokens),
        )
        await worker.run(stop)
