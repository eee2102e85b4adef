"""`coordinator worker`: reminders, change notices and no-show alerts on a schedule; solve jobs."""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from coordinator.cli.support import Context, fail_on_errors, notifier_for, pass_context, utc_now
from coordinator.jobs import run_worker
from coordinator.services.jobs.queue import run_jobs
from coordinator.services.scheduler.leader import leadership_for
from coordinator.store import Store


@click.command()
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    help="Run the scheduler (one leads, the others stand by). --no-scheduler: a solver machine.",
)
@click.option(
    "--jobs/--no-jobs",
    default=True,
    help="Run long jobs (solves started in the console). --no-jobs: a scheduler-only machine.",
)
@pass_context
@fail_on_errors
def worker(context: Context, scheduler: bool, jobs: bool) -> None:
    """Run until SIGTERM or Ctrl-C; with PostgreSQL, any number of workers on any machines."""
    settings = context.settings()
    notifier = notifier_for(settings)
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # APScheduler logs every run of the polling jobs at INFO: only with -vv.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)

    async def work(store: Store) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        click.echo(f"worker on {store.describe()}; stop with Ctrl-C", err=True)
        parts = []
        if scheduler:
            keep = settings.checkins.answers_kept()
            parts.append(run_worker(store, notifier, leadership_for(store), stop, keep))
        if jobs:
            parts.append(run_jobs(store, settings, utc_now, stop))
        await asyncio.gather(*parts)

    context.run(work, settings)
