"""A join judged by the solver's own rules, on plain data: each refusal and a fitting join."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator import domain
from coordinator.enums import NetworkProfile
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import Refusal, judge
from coordinator.timetable.plan import Plan, Session
from tests.services.catalogue.support import COURSE, catalogue_county, options
from tests.web.pages.support import PLAN


def with_sessions(*extra: Session) -> Plan:
    return dataclasses.replace(PLAN, sessions=(*PLAN.sessions, *extra))


def refusals(
    plan: Plan, classroom_id: str, bundle: domain.Bundle | None = None, **state: object
) -> tuple[Refusal, ...]:
    problem = build_problem(bundle or catalogue_county(), options())
    return judge(problem, plan, COURSE, classroom_id, **state).refusals  # type: ignore[arg-type]


def test_fitting_classroom_may_join() -> None:
    assert refusals(PLAN, "c-north-3") == ()


def test_classroom_with_another_lesson_then_is_refused() -> None:
    art = Session("art-tue", "t-chen", "art", 2, dt.time(9, 10), dt.time(9, 50), ("c-north-3",))
    # its assistant teaches it there too: both rules break
    assert refusals(with_sessions(art), "c-north-3") == (
        Refusal.CLASSROOM_CLASH,
        Refusal.ASSISTANT_CLASH,
    )


def test_need_already_met_caps_the_join() -> None:
    bundle = catalogue_county()
    bundle = dataclasses.replace(
        bundle, needs=(*bundle.needs, domain.Need("c-north-3", "music", 1))
    )
    monday = Session(
        "wang-north", "t-wang", "music", 1, dt.time(11, 0), dt.time(11, 40), ("c-north-3",)
    )
    assert refusals(with_sessions(monday), "c-north-3", bundle) == (Refusal.NEED_CAP,)


def test_grade_closed_and_cap_are_plain_refusals() -> None:
    five = catalogue_county()
    five = dataclasses.replace(
        five,
        classrooms=tuple(
            dataclasses.replace(c, grade=5) if c.id == "c-north-3" else c for c in five.classrooms
        ),
    )
    assert refusals(PLAN, "c-north-3", five) == (Refusal.GRADE,)
    assert refusals(PLAN, "c-north-3", closed=True) == (Refusal.CLOSED,)
    assert refusals(PLAN, "c-north-3", cap=2) == (Refusal.FULL,)


def test_weak_network_refuses_a_session_already_at_its_size() -> None:
    bundle = catalogue_county()
    weak = dataclasses.replace(
        bundle,
        classrooms=tuple(
            dataclasses.replace(c, network=NetworkProfile.WEAK) if c.id == "c-north-3" else c
            for c in bundle.classrooms
        ),
    )
    assert refusals(PLAN, "c-north-3", weak) == (Refusal.NETWORK,)
