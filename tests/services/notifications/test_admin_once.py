"""An admin listed in the settings' `admin_contacts` and with contacts on their account is
alerted once, on their own channel; other entries of `admin_contacts` are kept."""

from __future__ import annotations

import datetime as dt

from coordinator.services.accounts.contacts import Contact, set_contact
from coordinator.services.notifications.admin_people import with_admins
from coordinator.services.notifications.alerts import check_classrooms
from coordinator.services.notifications.reminders import Notifier
from coordinator.store import Store
from tests.notify.person_support import person_settings
from tests.notify.support import NOW, STREAMS, add_lesson
from tests.services.notifications.test_admin_people import county_admin
from tests.services.notifications.test_escalation import queued, seed_with_wecom


async def test_an_admin_in_both_lists_is_alerted_once(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await county_admin(store, "liu")  # a second admin who shares nothing with the list
    mine = Contact(
        wecom_userid="zhangsan", dingtalk_userid="0456zhangsan", preferred_channel="wecom"
    )
    await set_contact(store, "zhang", mine, now=NOW, actor="t")
    await set_contact(store, "liu", Contact(dingtalk_userid="liu-dt"), now=NOW, actor="t")
    listed = {"xiao": ("dingtalk:0456zhangsan", "sms:13800000000")}  # 张 by DingTalk; someone
    settings = person_settings("http://127.0.0.1:9", admin_contacts=listed)
    await add_lesson(store, NOW - dt.timedelta(minutes=10))
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await check_classrooms(
        store, notifier, directory, lesson_key="s-music@2026-11-23", revision=0, now=NOW
    )
    rows = [row for row in await queued(store) if row[0].startswith("admin")]
    # two classrooms not checked in: two alerts, each once to each person
    assert rows == sorted(
        [("admin", "sms", "13800000000")] * 2
        + [("admin:liu", "dingtalk", "liu-dt")] * 2
        + [("admin:zhang", "wecom", "zhangsan")] * 2
    )
    assert ("admin", "dingtalk", "0456zhangsan") not in rows


async def test_the_list_still_reaches_an_admin_whose_own_channel_is_off(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await county_admin(store)
    await set_contact(store, "zhang", Contact(phone="13800000009"), now=NOW, actor="t")
    listed = {"xiao": ("dingtalk:0456zhangsan",)}
    routing = {"reminder": (), "change": (), "alert": ("wecom", "dingtalk")}  # no SMS for alerts
    settings = person_settings("http://127.0.0.1:9", admin_contacts=listed, person_routing=routing)
    await add_lesson(store, NOW - dt.timedelta(minutes=10))
    notifier = await with_admins(store, Notifier(settings, STREAMS), directory)
    await check_classrooms(
        store, notifier, directory, lesson_key="s-music@2026-11-23", revision=0, now=NOW
    )
    rows = [row for row in await queued(store) if row[0].startswith("admin")]
    assert rows == [("admin", "dingtalk", "0456zhangsan")] * 2
