"""Jobs on PostgreSQL: a Procrastinate application whose one task runs a job by its id.

The web process only defers (``QueueRunner.submit``); ``coordinator worker`` processes, on
any machine, run ``work`` and take jobs one at a time. Procrastinate fetches each queued job
for exactly one worker (``SELECT … FOR UPDATE SKIP LOCKED``) and the job row's claim makes it
sure. A worker killed mid-job leaves its Procrastinate job "doing" and its job row "running"
with a stale heartbeat; every worker's sweep queues the row again (deferring it anew) or
fails it after ``max_attempts``, and closes the stalled Procrastinate job as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import procrastinate
from procrastinate.jobs import Status
from sqlalchemy import text

from coordinator.services.jobs import records
from coordinator.services.jobs.runners import (
    Clock,
    InProcessRunner,
    JobRunner,
    run_job,
    sweep_stale,
)
from coordinator.settings import Settings
from coordinator.store import Store

log = logging.getLogger(__name__)

QUEUE = "coordinator-jobs"
TASK = "coordinator.run_job"
SCHEMA_LOCK = 0x636F6F7264  # an advisory lock while one process installs the queue's schema
CLOSE_WAIT_S = 30.0  # at shutdown, how long a stopped job gets to store its best result


def queue_app(store: Store, settings: Settings, clock: Clock) -> procrastinate.App:
    """The Procrastinate application on the store's database (and schema)."""
    url = store.url.set(drivername="postgresql")
    kwargs: dict[str, Any] = {"application_name": "coordinator-jobs"}
    if store.search_path is not None:
        kwargs["options"] = f"-c search_path={store.search_path}"
    connector = procrastinate.PsycopgConnector(
        conninfo=url.render_as_string(hide_password=False), kwargs=kwargs
    )
    app = procrastinate.App(connector=connector)

    @app.task(name=TASK, queue=QUEUE)
    async def run(job_id: int) -> None:
        await run_job(store, settings, job_id, worker=records.worker_name(), clock=clock)

    del run  # registered on the app by name
    return app


async def install_schema(store: Store, app: procrastinate.App) -> None:
    """Procrastinate's tables and functions, once per database schema (idempotent)."""
    async with store.write() as session:
        await session.exec(text(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})"))  # type: ignore[call-overload]
        found = await session.exec(text("SELECT to_regclass('procrastinate_jobs')"))  # type: ignore[call-overload]
        if found.scalar() is not None:
            return
        # On Procrastinate's own connection, while this session holds the lock.
        await app.schema_manager.apply_schema_async()
    log.info("installed the job queue's schema")


class QueueRunner:
    """Defers jobs to Procrastinate (the web process on PostgreSQL); connects at first use."""

    def __init__(self, store: Store, app: procrastinate.App) -> None:
        self.store, self.app = store, app
        self._opened = False
        self._lock = asyncio.Lock()

    async def submit(self, job_id: int) -> None:
        async with self._lock:
            if not self._opened:
                await self.app.open_async()
                self._opened = True
                await install_schema(self.store, self.app)
        await self.app.tasks[TASK].defer_async(job_id=job_id)

    async def close(self) -> None:
        if self._opened:
            await self.app.close_async()


async def sweep_queue(
    store: Store, settings: Settings, app: procrastinate.App, clock: Clock
) -> None:
    """Stale job rows queued again (and deferred) or failed; stalled queue entries closed."""
    swept = await sweep_stale(store, settings, clock)
    for job_id in swept.requeued:
        await app.tasks[TASK].defer_async(job_id=job_id)
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=settings.jobs.stale_after_s
    )
    for job in stalled:
        await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        log.warning("closed the stalled queue entry %s (its worker is gone)", job.id)


async def work(store: Store, settings: Settings, clock: Clock, stop: asyncio.Event) -> None:
    """Run queued jobs until ``stop``; a running one is then asked to stop and keep its best."""
    app = queue_app(store, settings, clock)
    async with app.open_async():
        await install_schema(store, app)
        jobs = settings.jobs
        worker = asyncio.ensure_future(
            app.run_worker_async(
                queues=[QUEUE],
                name=records.worker_name(),
                concurrency=1,
                install_signal_handlers=False,
                update_heartbeat_interval=jobs.heartbeat_s,
                stalled_worker_timeout=jobs.stale_after_s,
                shutdown_graceful_timeout=CLOSE_WAIT_S,
            )
        )
        while not stop.is_set() and not worker.done():
            try:
                await sweep_queue(store, settings, app, clock)
            except Exception:  # a lost connection must not end the worker
                log.exception("job sweep failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), jobs.sweep_every_s)
        await _stop_running(store)
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


async def _stop_running(store: Store) -> None:
    """Ask this process's running jobs to stop (each stores its best result)."""
    for job_id in await records.running_jobs(store, worker=records.worker_name()):
        await records.request_stop(store, job_id)


async def run_jobs(store: Store, settings: Settings, clock: Clock, stop: asyncio.Event) -> None:
    """`coordinator worker`: run jobs until ``stop`` (from the queue on PostgreSQL)."""
    if not store.is_sqlite:
        await work(store, settings, clock, stop)
        return
    runner = InProcessRunner(store, settings, clock)
    runner.start()
    await stop.wait()
    await runner.close()


@contextlib.asynccontextmanager
async def open_runner(store: Store, settings: Settings, clock: Clock) -> AsyncIterator[JobRunner]:
    """The web process's runner: jobs run here on SQLite, go to the queue's workers otherwise."""
    if store.is_sqlite:
        runner = InProcessRunner(store, settings, clock)
        runner.start()
        try:
            yield runner
        finally:
            await runner.close()
        return
    queue = QueueRunner(store, queue_app(store, settings, clock))
    try:
        yield queue
    finally:
        await queue.close()
