"""A county whose people have WeCom or DingTalk ids, and one round of calendar pushes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import aiohttp
from sqlalchemy import update
from sqlmodel import col, select

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.calendar_push import plan_calendar_pushes
from coordinator.services.notifications.calendar_sync import calendar_channels
from coordinator.services.notifications.outbox import DeliveryReport, deliver_due
from coordinator.services.notifications.reminders import Notifier
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.notify import providers as fake
from tests.notify.person_support import person_settings
from tests.notify.support import STREAMS, bundle

# 王丽 and 李老师 on WeCom, 赵老师 on DingTalk, 陈明 on both (preferring DingTalk).
WECOM = {"t-wang": "wangli", "a-li": "lihua", "t-chen": "chenming"}
DINGTALK = {"a-zhao": "0456zhaomin", "t-chen": "0789chenming"}


def county() -> Any:
    base = bundle()
    teachers = tuple(
        dataclasses.replace(
            t,
            wecom_userid=WECOM.get(t.id, ""),
            dingtalk_userid=DINGTALK.get(t.id, ""),
            preferred_channel="dingtalk" if t.id == "t-chen" else "",
        )
        for t in base.network_teachers
    )
    assistants = tuple(
        dataclasses.replace(
            a, wecom_userid=WECOM.get(a.id, ""), dingtalk_userid=DINGTALK.get(a.id, "")
        )
        for a in base.assistants
    )
    return dataclasses.replace(base, network_teachers=teachers, assistants=assistants)


async def seed_people(store: Store, stand: fake.Providers, now: dt.datetime) -> Directory:
    stand.wecom.members = set(WECOM.values())
    stand.dingtalk.members = set(DINGTALK.values())
    imported = county()
    await import_bundle(store, imported, source="test", now=now - dt.timedelta(days=7))
    return Directory.of(imported)


def calendar_settings(base: str, **changes: Any) -> NotificationSettings:
    return person_settings(base, **changes)


async def push_round(
    store: Store,
    settings: NotificationSettings,
    directory: Directory,
    now: dt.datetime,
    *,
    plan: bool = True,
) -> tuple[int, DeliveryReport]:
    """Plan the pushes (unless not) and send what is due: (rows planned, what was sent)."""
    notifier = Notifier(settings, STREAMS)
    planned = await plan_calendar_pushes(store, notifier, directory, now=now) if plan else 0
    async with aiohttp.ClientSession() as http:
        channels = calendar_channels(store, settings, http, DatabaseTokens(store, settings.tokens))
        report = await deliver_due(store, settings, channels, now=now)
    return planned, report


async def move_lesson(store: Store, key: str, now: dt.datetime, **values: Any) -> None:
    async with store.write() as session:
        await session.exec(
            update(models.LessonRow)
            .where(col(models.LessonRow.key) == key)
            .values(changed_at=now, **values)
        )


async def calendar_rows(store: Store) -> list[models.NotificationRow]:
    table = models.NotificationRow
    async with store.read() as session:
        query = select(table).where(col(table.kind) == "calendar").order_by(col(table.created_at))
        return list((await session.exec(query)).all())


async def events(store: Store) -> dict[tuple[str, str, str], models.CalendarEventRow]:
    async with store.read() as session:
        rows = (await session.exec(select(models.CalendarEventRow))).all()
    return {(r.lesson_key, r.recipient, r.provider): r for r in rows}
