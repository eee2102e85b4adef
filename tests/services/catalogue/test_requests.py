"""Counties that approve joins: a request changes nothing until an admin approves it."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator import domain
from coordinator.services.accounts.users import Scope, User, scope_of
from coordinator.services.catalogue.courses import catalogue
from coordinator.services.catalogue.enrol import JoinRefused, join_course
from coordinator.services.catalogue.requests import decide_request, pending_requests
from coordinator.services.data.directory import Directory
from coordinator.store import Store
from coordinator.timetable.enrolment import Refusal
from tests.services.catalogue.support import COURSE, TODAY, arrange, catalogue_county, options
from tests.services.catalogue.test_enrolment import course_rooms, enrolled

LATER = dt.datetime(2026, 11, 23, 3, 30, tzinfo=dt.UTC)


def admin(bundle: domain.Bundle) -> Scope:
    return scope_of(User(1, "admin", "admin", "region", "xiao", "zh", 0), Directory.of(bundle))


async def ask(store: Store, bundle: domain.Bundle, classroom_id: str) -> None:
    await join_course(
        store,
        bundle,
        options(),
        admin(bundle),
        pinned_id=COURSE,
        classroom_id=classroom_id,
        actor="north",
        now=LATER,
        today=TODAY,
        request=True,
    )


async def decide(store: Store, bundle: domain.Bundle, *, approve: bool) -> None:
    (request,) = await pending_requests(store, admin(bundle))
    assert request.id is not None
    await decide_request(
        store,
        bundle,
        options(),
        admin(bundle),
        request.id,
        approve=approve,
        actor="admin",
        now=LATER,
        today=TODAY,
    )


async def test_request_changes_no_lesson_until_approved(store: Store) -> None:
    bundle = await arrange(store)
    before = await course_rooms(store)
    await ask(store, bundle, "c-north-3")
    assert await course_rooms(store) == before
    (offer,) = await catalogue(store, bundle, options(), "c-north-3", today=TODAY)
    assert offer.requested
    with pytest.raises(JoinRefused) as again:
        await ask(store, bundle, "c-north-3")
    assert again.value.refusals == (Refusal.PENDING,)
    await decide(store, bundle, approve=True)
    assert all("c-north-3" in rooms for rooms in (await course_rooms(store)).values())
    assert await pending_requests(store, admin(bundle)) == []


async def test_refused_request_holds_no_date_and_may_be_asked_again(store: Store) -> None:
    bundle = await arrange(store)
    await ask(store, bundle, "c-north-3")
    await decide(store, bundle, approve=False)
    assert await enrolled(store) == [("c-north-3", TODAY, TODAY)]
    await ask(store, bundle, "c-north-3")
    assert len(await pending_requests(store, admin(bundle))) == 1


async def test_approving_a_request_for_a_seat_gone_meanwhile_is_refused(store: Store) -> None:
    bundle = await arrange(store, catalogue_county(capacity=3))
    await ask(store, bundle, "c-north-3")
    await join_course(
        store,
        bundle,
        options(),
        admin(bundle),
        pinned_id=COURSE,
        classroom_id="c-south-4",
        actor="admin",
        now=LATER,
        today=TODAY,
    )
    with pytest.raises(JoinRefused) as refused:
        await decide(store, bundle, approve=True)
    assert refused.value.refusals == (Refusal.FULL,)
