"""The course's teacher told at once on WeCom when a classroom or an audience joins or leaves."""

from __future__ import annotations

import dataclasses
import datetime as dt

import aiohttp
from sqlmodel import select

from coordinator import domain, models
from coordinator.enums import AudienceKind
from coordinator.notify import build_channels
from coordinator.services.accounts.users import Scope, User, scope_of
from coordinator.services.catalogue.audiences import join_audience
from coordinator.services.catalogue.enrol import join_course, leave_course
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.outbox import deliver_due
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from tests.notify import providers as fake
from tests.notify.person_support import person_settings, providers
from tests.services.catalogue.support import COURSE, TODAY, arrange, options
from tests.services.catalogue.test_audiences import TRAINING, audience_county
from tests.web.pages.support import NOW

__all__ = ["providers"]
LATER = NOW + dt.timedelta(hours=1)  # 10:00 in Beijing: no quiet hours


def reachable(bundle: domain.Bundle) -> domain.Bundle:
    """王丽 reachable on WeCom as the loopback provider knows her."""
    teachers = tuple(
        dataclasses.replace(t, wecom_userid="lixiuying") if t.id == "t-wang" else t
        for t in bundle.network_teachers
    )
    return dataclasses.replace(bundle, network_teachers=teachers)


def admin(bundle: domain.Bundle) -> Scope:
    return scope_of(User(1, "admin", "admin", "region", "xiao", "zh", 0), Directory.of(bundle))


async def delivered(store: Store, settings: NotificationSettings) -> None:
    async with aiohttp.ClientSession() as http:
        channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
        await deliver_due(store, settings, channels, now=LATER)


async def test_teacher_is_told_of_a_join_and_a_leave_on_wecom(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    settings = person_settings(base, channels=("wecom",))
    bundle = await arrange(store, reachable(audience_county()))
    await join_course(
        store,
        bundle,
        options(),
        admin(bundle),
        pinned_id=COURSE,
        classroom_id="c-north-3",
        actor="admin",
        now=LATER,
        today=TODAY,
        notices=settings,
    )
    await delivered(store, settings)
    await leave_course(
        store,
        bundle,
        admin(bundle),
        pinned_id=COURSE,
        classroom_id="c-north-3",
        actor="admin",
        now=LATER,
        today=TODAY,
        from_date=dt.date(2026, 12, 8),
        notices=settings,
    )
    await join_audience(
        store,
        bundle,
        admin(bundle),
        pinned_id=TRAINING,
        kind=AudienceKind.SCHOOL,
        audience_id="r-south",
        actor="admin",
        now=LATER,
        today=TODAY,
        notices=settings,
    )
    await delivered(store, settings)
    texts = "\n".join(str(m["markdown"]["content"]) for m in stand.wecom.sent)
    assert [m["touser"] for m in stand.wecom.sent] == ["lixiuying"] * 3
    for said in (
        "北村小学三年级加入了您的公开课「音乐」（周二 09:10–09:50），11月22日起。",
        "北村小学三年级退出了您的公开课「音乐」（周二 09:10–09:50），12月8日起不再上。",
        "南村小学的教师加入了您的公开课「音乐」（周三 16:00–17:00），11月22日起。",
    ):
        assert said in texts
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    assert sorted((r.status, r.recipient) for r in rows) == [("sent", "teacher:t-wang")] * 3


async def test_without_notification_settings_nobody_is_told(store: Store) -> None:
    bundle = await arrange(store, reachable(audience_county()))
    await join_course(
        store,
        bundle,
        options(),
        admin(bundle),
        pinned_id=COURSE,
        classroom_id="c-north-3",
        actor="admin",
        now=LATER,
        today=TODAY,
    )
    async with store.read() as session:
        assert (await session.exec(select(models.NotificationRow))).all() == []
