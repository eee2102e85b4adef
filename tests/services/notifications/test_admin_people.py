"""Admins as people: contacts on their account (checked, audited), alerts on their own
channel, and per kind of message who gets it (`audiences`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from coordinator import models
from coordinator.services.accounts.contacts import Contact, set_contact
from coordinator.services.accounts.names import AccountError
from coordinator.services.accounts.users import add_user
from coordinator.services.notifications.admin_people import with_admins
from coordinator.services.notifications.alerts import check_classrooms
from coordinator.services.notifications.reminders import Notifier, send_change_notices
from coordinator.store import Store
from tests.notify.person_support import person_settings
from tests.notify.support import NOW, STREAMS, add_lesson
from tests.services.notifications.test_escalation import queued, seed_with_wecom

KEY = "s-music@2026-11-23"
PASSWORD = "correct horse battery"


async def county_admin(store: Store, username: str = "zhang", scope: str = "region:xiao") -> None:
    if scope == "region:xiao":
        await add_user(
            store,
            username=username,
            password=PASSWORD,
            role="admin",
            scope=scope,
            now=NOW,
            actor="t",
        )
        return
    kind, _, scope_id = scope.partition(":")  # another county on the same server
    async with store.write() as session:
        session.add(
            models.UserRow(
                username=username,
                role="admin",
                scope_kind=kind,
                scope_id=scope_id,
                password_hash="x",
                created_at=NOW,
            )
        )


async def test_an_admins_contact_is_checked_and_audited(store: Store) -> None:
    await seed_with_wecom(store)
    await county_admin(store)
    contact = Contact(wecom_userid="zhangsan", phone="13800000009", quiet_hours="22:00-07:00")
    found = await set_contact(store, "zhang", contact, now=NOW, actor="cli")
    assert found.address_on("wecom") == "zhangsan"
    assert found.address_on("sms") == "13800000009"
    with pytest.raises(AccountError, match="quiet hours '25:00-07:00'"):
        await set_contact(store, "zhang", Contact(quiet_hours="25:00-07:00"), now=NOW, actor="t")
    with pytest.raises(AccountError, match="preferred channel 'fax'"):
        await set_contact(store, "zhang", Contact(preferred_channel="fax"), now=NOW, actor="t")
    await add_user(
        store,
        username="wang",
        password=PASSWORD,
        role="teacher",
        scope="teacher:t-wang",
        now=NOW,
        actor="t",
    )
    with pytest.raises(AccountError, match="data bundle"):
        await set_contact(store, "wang", Contact(phone="13800000001"), now=NOW, actor="t")
    async with store.read() as session:
        actions = (await session.exec(select(models.AuditRow.action))).all()
    assert actions.count("user.contact") == 1


async def test_a_no_show_reaches_the_county_admin_on_their_own_channel(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await county_admin(store, "far", "region:elsewhere")  # another county's: not told
    for name in ("zhang", "far"):
        contact = Contact(
            wecom_userid=f"{name}-wc", dingtalk_userid=f"{name}-dt", preferred_channel="dingtalk"
        )
        await set_contact(store, name, contact, now=NOW, actor="t")
    await add_lesson(store, NOW - dt.timedelta(minutes=10))
    notifier = await with_admins(
        store, Notifier(person_settings("http://127.0.0.1:9"), STREAMS), directory
    )
    await check_classrooms(store, notifier, directory, lesson_key=KEY, revision=0, now=NOW)
    admins = [row for row in await queued(store) if row[0].startswith("admin")]
    # One alert per classroom not checked in, on the channel 张 prefers; the other county's
    # admin hears nothing.
    assert admins == [("admin:zhang", "dingtalk", "zhang-dt")] * 2


async def test_audiences_choose_who_gets_a_change_notice(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await set_contact(store, "zhang", Contact(wecom_userid="zhangsan"), now=NOW, actor="t")
    start = NOW + dt.timedelta(hours=5)
    await add_lesson(store, start, revision=1, changed_at=NOW - dt.timedelta(minutes=1))
    settings = person_settings(
        "http://127.0.0.1:9", audiences={"change": ("teacher", "admin"), "alert": ("admin",)}
    )
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await send_change_notices(store, notifier, directory, now=NOW)
    recipients = sorted({row[0] for row in await queued(store)})
    assert recipients == ["admin:zhang", "teacher:t-wang"]  # no assistant
    assert ("admin:zhang", "wecom", "zhangsan") in await queued(store)
