"""A no-show goes to the assistant first, then, still not checked in, to the admins."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pydantic
import pytest
from sqlmodel import select

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.alerts import (
    alert_jobs,
    check_classrooms,
    escalate_classrooms,
)
from coordinator.services.notifications.reminders import Notifier, PlannedJob, upcoming_lessons
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.notify.person_support import person_settings
from tests.notify.support import NOW, STREAMS, add_lesson, bundle
from tests.services.notifications.test_alerts import attendance

KEY = "s-music@2026-11-23"


def escalating() -> Notifier:
    settings = person_settings(
        "http://127.0.0.1:9",
        escalate_after_minutes=15,
        admin_contacts={"xiao": ("dingtalk:0456hanxue", "sms:13800000009")},
    )
    return Notifier(settings, STREAMS)


async def seed_with_wecom(store: Store) -> Directory:
    county = bundle()
    assistants = tuple(
        dataclasses.replace(a, wecom_userid="lixiuying") if a.id == "a-li" else a
        for a in county.assistants
    )
    county = dataclasses.replace(county, assistants=assistants)
    await import_bundle(store, county, source="t", now=NOW - dt.timedelta(days=7))
    return Directory.of(county)


async def queued(store: Store) -> list[tuple[str, str, str]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    return sorted((row.recipient, row.channel, row.address) for row in rows)


async def test_no_show_reaches_the_assistant_then_the_admins(store: Store) -> None:
    directory = await seed_with_wecom(store)
    await add_lesson(store, NOW - dt.timedelta(minutes=10))
    notifier = escalating()

    await check_classrooms(store, notifier, directory, lesson_key=KEY, revision=0, now=NOW)
    first = await queued(store)
    assert ("assistant:a-li", "wecom", "lixiuying") in first
    assert all(recipient.startswith("assistant:") for recipient, _, _ in first)

    async with store.write() as session:  # 李老师's classroom checks in meanwhile
        session.add(attendance("c-east-3"))
    later = NOW + dt.timedelta(minutes=15)
    await escalate_classrooms(store, notifier, directory, lesson_key=KEY, revision=0, now=later)
    admins = [row for row in await queued(store) if row[0] == "admin"]
    assert admins == [("admin", "dingtalk", "0456hanxue"), ("admin", "sms", "13800000009")]
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    escalated = {row.subject for row in rows if row.recipient == "admin"}
    assert escalated == {"【未签到】西村教学点 三年级：音乐 开课25分钟仍未签到"}


async def test_the_escalation_is_planned_after_the_delay(store: Store) -> None:
    directory = await seed_with_wecom(store)
    start = NOW + dt.timedelta(hours=1)
    await add_lesson(store, start)
    notifier = escalating()
    lessons = await upcoming_lessons(store, notifier, NOW)
    jobs = {job.kind: job for job in alert_jobs(lessons, notifier, directory, NOW)}
    assert jobs["escalate"] == PlannedJob("escalate", KEY, 0, start + dt.timedelta(minutes=10 + 15))


def test_admin_contacts_must_name_a_channel() -> None:
    with pytest.raises(pydantic.ValidationError, match="'phone:138' is not wecom:ID"):
        NotificationSettings(admin_contacts={"xiao": ("phone:138",)})
