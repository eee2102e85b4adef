"""The host's side: who takes the course and since when, attendance, closing and capping."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from coordinator import domain, models
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope, User, scope_of
from coordinator.services.catalogue.courses import catalogue
from coordinator.services.catalogue.enrol import join_course
from coordinator.services.catalogue.host import EnrolmentSettingError, host_view, set_enrolment
from coordinator.services.data.directory import Directory
from coordinator.store import Store
from coordinator.timetable.enrolment import Refusal
from tests.services.catalogue.support import COURSE, TODAY, arrange, options
from tests.web.pages.support import NOW

LATER = NOW + dt.timedelta(hours=1)


def scope(bundle: domain.Bundle, kind: str = "region", object_id: str = "xiao") -> Scope:
    return scope_of(User(1, "admin", "admin", kind, object_id, "zh", 0), Directory.of(bundle))


async def test_host_sees_timetable_members_and_self_enrolled_with_since(store: Store) -> None:
    bundle = await arrange(store)
    await join_course(
        store,
        bundle,
        options(),
        scope(bundle),
        pinned_id=COURSE,
        classroom_id="c-north-3",
        actor="north",
        now=LATER,
        today=TODAY,
    )
    view = await host_view(store, bundle, scope(bundle), COURSE, today=dt.date(2026, 12, 2))
    found = {m.classroom_id: (m.since, m.actor, m.lessons) for m in view.members}
    assert found == {
        "c-east-3": (None, "", 2),  # 24 November and 1 December
        "c-west-3": (None, "", 2),
        "c-north-3": (TODAY, "north", 2),
    }


async def test_closing_and_capping_refuse_joins_and_are_audited(store: Store) -> None:
    bundle = await arrange(store)
    await set_enrolment(
        store, bundle, scope(bundle), COURSE, closed=True, cap=None, actor="admin", now=LATER
    )
    (offer,) = await catalogue(store, bundle, options(), "c-north-3", today=TODAY)
    assert offer.verdict.refusals == (Refusal.CLOSED,)
    await set_enrolment(
        store, bundle, scope(bundle), COURSE, closed=False, cap=2, actor="admin", now=LATER
    )
    (offer,) = await catalogue(store, bundle, options(), "c-north-3", today=TODAY)
    assert (offer.verdict.refusals, offer.verdict.seats_left) == ((Refusal.FULL,), 0)
    async with store.read() as session:
        actions = [r.action for r in (await session.exec(select(models.AuditRow))).all()]
    assert actions == ["course.enrolment", "course.enrolment"]


async def test_cap_outside_capacity_and_foreign_host_are_refused(store: Store) -> None:
    bundle = await arrange(store)
    with pytest.raises(EnrolmentSettingError, match="field cap"):
        await set_enrolment(
            store, bundle, scope(bundle), COURSE, closed=False, cap=9, actor="admin", now=LATER
        )
    with pytest.raises(NotFoundError):
        await host_view(store, bundle, scope(bundle, "region", "da"), COURSE, today=TODAY)
