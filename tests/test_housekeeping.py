"""The housekeeping job: old check-in answers and sign-in state past its use are forgotten;
young ones and records stay."""

from __future__ import annotations

import datetime as dt

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coordinator import models
from coordinator.jobs import DEFAULT_KEEP_ANSWERS, HOUSEKEEPING_EVERY, Jobs
from coordinator.services.accounts import users as accounts
from coordinator.services.accounts.sessions import open_session
from coordinator.services.accounts.sign_in_limits import SignInLimits, record_failure
from coordinator.services.accounts.sign_in_links import issue_link
from coordinator.services.accounts.users import add_user
from coordinator.services.checkins import CheckinConfig, record_batch
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.reminders import Notifier
from coordinator.settings import CheckinSettings
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.attendance.seed import NOW, seed
from tests.notify.support import STREAMS
from tests.services.checkins.test_checkins import rows, submission
from tests.web.pages.support import TEST_HASHER, county


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


async def test_sign_in_state_past_its_use_is_forgotten_and_the_rest_kept(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "HASHER", TEST_HASHER)
    await import_bundle(store, county(), source="test", now=NOW)
    user = await add_user(
        store,
        username="wang",
        password="correct horse battery",
        role="teacher",
        scope="teacher:t-wang",
        now=NOW,
        actor="test",
    )
    day, secret = dt.timedelta(days=1), b"k" * 32
    await open_session(store, user=user, now=NOW - 3 * day, lifetime=day)  # expired
    await open_session(store, user=user, now=NOW, lifetime=day)
    await issue_link(store, user, secret, now=NOW - 8 * day)  # 7 days: expired
    await issue_link(store, user, secret, now=NOW)
    limits = SignInLimits()
    await record_failure(store, limits, address="127.0.0.1", account="wang", now=NOW)
    await record_failure(store, limits, address="127.0.0.1", account="wang", now=NOW - 2 * day)

    await jobs_at(store, NOW).housekeeping()

    assert (
        await rows(store, models.SignInSessionRow),
        await rows(store, models.SignInLinkRow),
        await rows(store, models.SignInFailureRow),
    ) == (1, 1, 1)
