"""Who gets what, per region: a region admin's stored choice overrides the setting, is
checked and audited, and the next message follows it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from coordinator import models
from coordinator.services.accounts.contacts import Contact, set_contact
from coordinator.services.notifications.admin_people import with_admins
from coordinator.services.notifications.alerts import check_classrooms
from coordinator.services.notifications.audience_choices import (
    AudienceChoiceError,
    checked,
    choice_of,
    choose,
    classroom_region,
    teacher_region,
)
from coordinator.services.notifications.reminders import Notifier, send_change_notices
from coordinator.store import Store
from tests.notify.person_support import person_settings
from tests.notify.support import NOW, STREAMS, add_lesson
from tests.services.notifications.test_admin_people import county_admin
from tests.services.notifications.test_escalation import queued, seed_with_wecom


async def messages(store: Store) -> dict[str, str]:
    """Every queued message's id and recipient."""
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    return {row.id: row.recipient for row in rows}


def test_a_choice_names_what_is_wrong() -> None:
    assert checked({"change": ["admin", "teacher"]})["change"] == ("teacher", "admin")
    assert checked({"change": ["admin"]})["reminder"] == ()  # no box ticked: nobody
    with pytest.raises(AudienceChoiceError, match="change 'parent': one of teacher"):
        checked({"change": ["parent"]})
    with pytest.raises(AudienceChoiceError, match="kind 'digest': one of reminder"):
        checked({"digest": ["admin"]})


async def test_a_changed_choice_changes_who_gets_the_next_message(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await set_contact(store, "zhang", Contact(wecom_userid="zhangsan"), now=NOW, actor="t")
    settings = person_settings("http://127.0.0.1:9")
    start = NOW + dt.timedelta(hours=5)
    changed = NOW - dt.timedelta(minutes=1)
    await add_lesson(store, start, key="s-music@2026-11-23", revision=1, changed_at=changed)
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await send_change_notices(store, notifier, directory, now=NOW)
    first = await messages(store)
    before = set(first.values())
    assert "teacher:t-wang" in before
    assert any(r.startswith("assistant:") for r in before)
    assert "admin:zhang" not in before  # the setting's default: teacher and assistant

    regions = teacher_region(directory, "t-wang")
    regions |= classroom_region(directory, "c-east-3") | classroom_region(directory, "c-west-3")
    assert regions
    for region in regions:  # each county's admin chooses: change notices to admins only
        await choose(store, settings, region, {"change": ("admin",)}, actor="zhang", now=NOW)
    assert (await choice_of(store, settings, sorted(regions)[0]))["change"] == ("admin",)
    assert (await choice_of(store, settings, sorted(regions)[0]))["reminder"] == (
        settings.audience("reminder")
    )

    await add_lesson(store, start, key="s-music@2026-11-24", revision=1, changed_at=changed)
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await send_change_notices(store, notifier, directory, now=NOW)
    new = {who for key, who in (await messages(store)).items() if key not in first}
    assert new == {"admin:zhang"}  # lessons changed together: one message to the admin
    async with store.read() as session:
        audits = (await session.exec(select(models.AuditRow))).all()
    chosen = [a for a in audits if a.action == "notifications.audiences"]
    assert len(chosen) == len(regions)
    assert chosen[0].details["change"] == {"from": ["teacher", "assistant"], "to": ["admin"]}
    # choosing the same again changes nothing and audits nothing
    assert (
        await choose(
            store, settings, sorted(regions)[0], {"change": ("admin",)}, actor="z", now=NOW
        )
        == []
    )


async def test_a_county_that_wants_no_admin_alerts_gets_none(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await set_contact(store, "zhang", Contact(wecom_userid="zhangsan"), now=NOW, actor="t")
    settings = person_settings("http://127.0.0.1:9")
    regions = {r for room in ("c-east-3", "c-west-3") for r in classroom_region(directory, room)}
    for region in regions | teacher_region(directory, "t-wang"):
        await choose(store, settings, region, {"alert": ("assistant",)}, actor="zhang", now=NOW)
    await add_lesson(store, NOW - dt.timedelta(minutes=10))
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await check_classrooms(
        store, notifier, directory, lesson_key="s-music@2026-11-23", revision=0, now=NOW
    )
    assert not [row for row in await queued(store) if row[0].startswith("admin")]
