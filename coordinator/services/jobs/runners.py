"""Who runs jobs: tasks of this process (SQLite) or Procrastinate workers (PostgreSQL).

Both hand a job id to the same ``run_job``; the job row's claim makes sure exactly one runner
runs it, whoever else is handed it too. ``InProcessRunner`` serves the embedded default:
``serve`` and ``demo`` run queued jobs on their own event loop (the solver in a thread), and
sweep jobs a dead process left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from coordinator.services.jobs import importing, rebalancing, records, solving
from coordinator.settings import Settings
from coordinator.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Run = Callable[..., Awaitable[str | None]]
RUNS: dict[str, Run] = {
    solving.KIND: solving.run_solve_job,
    rebalancing.KIND: rebalancing.run_preview_job,
    importing.KIND: importing.run_import_job,
}
CLOSE_WAIT_S = 30.0  # at shutdown, how long stopped jobs get to store their best result


class JobRunner(Protocol):
    """Takes a queued job (already stored) to be run by some worker."""

    async def submit(self, job_id: int) -> None: ...


async def run_job(
    store: Store, settings: Settings, job_id: int, *, worker: str, clock: Clock
) -> str | None:
    """Run a job of any kind to its end; its final state (None: another runner had it)."""
    job = await records.get_job(store, job_id)
    return await RUNS[job.kind](store, settings, job_id, worker=worker, clock=clock)


async def sweep_stale(store: Store, settings: Settings, clock: Clock) -> records.Swept:
    """Jobs whose worker died: queued again or failed (see ``records.sweep``)."""
    swept = await records.sweep(
        store,
        now=clock(),
        stale=dt.timedelta(seconds=settings.jobs.stale_after_s),
        max_attempts=settings.jobs.max_attempts,
    )
    if swept.requeued or swept.failed:
        log.warning("stale jobs: %s queued again, %s failed", swept.requeued, swept.failed)
    return swept


class InProcessRunner:
    """Runs queued jobs as tasks of this event loop; start() it, close() it."""

    def __init__(self, store: Store, settings: Settings, clock: Clock) -> None:
        self.store, self.settings, self.clock = store, settings, clock
        self.worker = records.worker_name()
        self._wake = asyncio.Event()
        self._running: dict[int, asyncio.Task[str | None]] = {}
        self._loop: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._loop = asyncio.get_running_loop().create_task(self._poll())

    async def submit(self, job_id: int) -> None:
        del job_id  # the poll finds it in the table
        self._wake.set()

    async def _poll(self) -> None:
        # Never cancelled: a query cut off mid-way would leave its connection unreturned.
        while not self._closing:
            try:
                await sweep_stale(self.store, self.settings, self.clock)
                for job_id in await records.queued_jobs(self.store, kinds=tuple(RUNS)):
                    if job_id not in self._running:
                        self._start(job_id)
            except Exception:  # a lost database connection must not end the loop
                log.exception("job runner: polling failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.jobs.sweep_every_s)
            self._wake.clear()

    def _start(self, job_id: int) -> None:
        run = run_job(self.store, self.settings, job_id, worker=self.worker, clock=self.clock)
        task = asyncio.get_running_loop().create_task(run)
        self._running[job_id] = task
        task.add_done_callback(lambda _: self._running.pop(job_id, None))

    async def close(self) -> None:
        """Stop the running jobs (each stores its best result), then stop polling."""
        if self._loop is not None:
            self._closing = True
            self._wake.set()
            await self._loop
        tasks = list(self._running.values())
        for job_id in list(self._running):
            await records.request_stop(self.store, job_id)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=CLOSE_WAIT_S)
            for task in pending:
                task.cancel()
            # Awaited, so a cancelled job's session is closed before the store is disposed.
            await asyncio.gather(*pending, return_exceptions=True)
