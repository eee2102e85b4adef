"""`coordinator worker`: reminders, change notices and no-show alerts on a schedule."""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from coordinator.cli.support import Context, fail_on_errors, pass_context
from coordinator.jobs import run_worker
from coordinator.services.notifications.reminders import Notifier
from coordinator.services.scheduler.leader import leadership_for
from coordinator.store import Store


@click.command()
@pass_context
@fail_on_errors
def worker(context: Context) -> None:
    """Run the scheduler until SIGTERM or Ctrl-C; with PostgreSQL, one of several leads."""
    settings = context.settings()
    notifier = Notifier(settings.notifications, settings.streams)
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # APScheduler logs every run of the polling jobs at INFO: only with -vv.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)

    async def work(store: Store) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        click.echo(f"worker on {store.describe()}; stop with Ctrl-C", err=True)
        await run_worker(
            store, notifier, leadership_for(store), stop, settings.checkins.answers_kept()
        )

    context.run(work, settings)
