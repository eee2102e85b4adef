"""A calendar push the provider made but whose answer was lost: the retry finds the entry by
the lesson's marker in its description and adopts it, instead of adding a second one."""

from __future__ import annotations

import datetime as dt

from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.notify import providers as fake
from tests.notify.person_support import providers
from tests.notify.support import NOW, add_lesson
from tests.services.notifications.calendar_support import (
    calendar_rows,
    calendar_settings,
    events,
    move_lesson,
    push_round,
    seed_people,
)

__all__ = ["providers"]
KEY = "s-music@2026-11-24"
START = NOW + dt.timedelta(days=1, hours=1)
LATER = NOW + dt.timedelta(seconds=5)  # past the claim of twice the send timeout


def held(base: str, calendar_id: str = "") -> NotificationSettings:
    settings = calendar_settings(base)
    wecom = settings.wecom.model_copy(update={"calendar_id": calendar_id})
    return settings.model_copy(update={"send_timeout_s": 0.5, "wecom": wecom})


async def test_dingtalk_a_lost_answer_is_found_and_not_added_again(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = held(base)
    stand.calendars.hold.calls = 1  # 赵老师's event is made, the answer never comes
    try:
        _, report = await push_round(store, settings, directory, NOW)
        assert (report.sent, report.retrying) == (2, 1)
        assert [entry[0] for entry in stand.calendars.log] == ["create"]
        made = next(iter(stand.calendars.events))
        assert f"#{KEY}" in stand.calendars.events[made]["description"].splitlines()
        _, report = await push_round(store, settings, directory, LATER, plan=False)
        assert (report.sent, report.failed) == (1, 0)
    finally:
        stand.calendars.hold.released.set()
    assert [entry[0] for entry in stand.calendars.log] == ["create", "update"]
    assert list(stand.calendars.events) == [made]  # one entry, the one made first
    assert stand.calendars.lists == 1
    row = (await events(store))[(KEY, "assistant:a-zhao", "dingtalk")]
    assert (row.state, row.event_id, row.version) == ("active", made, 1)
    # planning again finds it in place: nothing more
    planned, report = await push_round(store, settings, directory, LATER)
    assert (planned, report.sent) == (0, 0)
    assert all(r.status == "sent" for r in await calendar_rows(store))


async def test_wecom_a_lost_answer_is_found_in_the_apps_calendar(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    stand.schedules.calendars = {"wcCalendarOfTheApp"}
    settings = held(base, "wcCalendarOfTheApp")
    stand.schedules.hold.calls = 2  # 王丽's and 李老师's schedules made, no answer
    try:
        _, report = await push_round(store, settings, directory, NOW)
        assert (report.sent, report.retrying) == (1, 2)
        _, report = await push_round(store, settings, directory, LATER, plan=False)
        assert (report.sent, report.failed) == (2, 0)
    finally:
        stand.schedules.hold.released.set()
    verbs = sorted(entry[0] for entry in stand.schedules.log)
    assert verbs == ["add", "add", "update", "update"]  # adopted, not added twice
    assert len(stand.schedules.schedules) == 2
    assert stand.schedules.lists == 2
    assert {s["cal_id"] for s in stand.schedules.schedules.values()} == {"wcCalendarOfTheApp"}
    known = await events(store)
    assert {row.event_id for row in known.values() if row.provider == "wecom"} == set(
        stand.schedules.schedules
    )


async def test_without_an_app_calendar_wecom_cannot_look_and_adds_again(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    """WeCom lists only calendars the app made: without `calendar_id` the gap remains."""
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = held(base)
    stand.schedules.hold.calls = 1
    try:
        await push_round(store, settings, directory, NOW)
        await push_round(store, settings, directory, LATER, plan=False)
    finally:
        stand.schedules.hold.released.set()
    assert sorted(entry[0] for entry in stand.schedules.log) == ["add", "add", "add"]
    assert stand.schedules.lists == 0


async def test_a_lesson_cancelled_while_its_add_went_unanswered_is_removed(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = held(base)
    stand.calendars.hold.calls = 1
    try:
        await push_round(store, settings, directory, NOW)
        await move_lesson(store, KEY, NOW, status="cancelled", revision=1)
        _, report = await push_round(store, settings, directory, LATER)
        assert report.failed == 0
    finally:
        stand.calendars.hold.released.set()
    assert [entry[0] for entry in stand.calendars.log] == ["create", "delete"]
    assert stand.calendars.events == {}
    assert stand.schedules.schedules == {}
    row = (await events(store))[(KEY, "assistant:a-zhao", "dingtalk")]
    assert row.state == "removed"
