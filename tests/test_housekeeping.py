"""The housekeeping job: old check-in answers are forgotten; young ones and records stay."""

from __future__ import annotations

import datetime as dt

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coordinator import models
from coordinator.jobs import DEFAULT_KEEP_ANSWERS, HOUSEKEEPING_EVERY, Jobs
from coordinator.services.checkins import CheckinConfig, record_batch
from coordinator.services.notifications.reminders import Notifier
from coordinator.settings import CheckinSettings
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.attendance.seed import NOW, seed
from tests.notify.support import STREAMS
from tests.services.checkins.test_checkins import rows, submission


def jobs_at(store: Store, clock: dt.datetime, keep: dt.timedelta = DEFAULT_KEEP_ANSWERS) -> Jobs:
    notifier = Notifier(NotificationSettings(), STREAMS)
    return Jobs(store, notifier, {}, AsyncIOScheduler(timezone=dt.UTC), lambda: clock, keep)


async def test_answers_are_kept_a_day_past_the_oldest_report_accepted(store: Store) -> None:
    seeded = await seed(store)
    await record_batch(store, [submission(seeded.li, "first")], CheckinConfig().policy)
    keep = CheckinSettings().answers_kept()
    assert keep == dt.timedelta(days=31)

    assert await jobs_at(store, NOW + keep - dt.timedelta(minutes=1), keep).housekeeping() == 0
    assert await rows(store, models.IdempotencyRecordRow) == 1
    assert await jobs_at(store, NOW + keep + dt.timedelta(minutes=1), keep).housekeeping() == 1
    assert (
        await rows(store, models.IdempotencyRecordRow),
        await rows(store, models.AttendanceRow),
    ) == (0, 1)


async def test_housekeeping_is_installed_as_an_interval_job(tmp_path: object) -> None:
    store = Store(f"{tmp_path}/unused.db")
    jobs = jobs_at(store, NOW)
    jobs.install()
    job = jobs.scheduler.get_job("housekeeping")
    await store.close()
    assert job is not None
    assert job.trigger.interval == HOUSEKEEPING_EVERY
    assert (job.coalesce, job.misfire_grace_time) == (True, 300)
