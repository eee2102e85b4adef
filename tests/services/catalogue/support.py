"""The pages' small county with three more rural schools that may pick the open music course.

The open course p-open-music runs Tuesdays 09:10-09:50 (王丽, grades 3-4); the timetable put
东村 三年级 and 西村 三年级 in it. 北村 and 南村 ring the rural bells (09:10 is a live period),
山村 rings its own (08:45-09:25, then 09:40): the course does not fit it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator import domain, models
from coordinator.enums import NetworkProfile, SchoolKind
from coordinator.services.data.imports import import_bundle
from coordinator.services.feeds.subscriptions import ensure_feed_tokens
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.plans import save_plan
from coordinator.services.planning.solve import solver_options
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.options import SolverOptions
from tests.factories import periods
from tests.web.pages.support import NOW, PASSWORD, PLAN, SECRET, TEST_HASHER, add_users, county

COURSE = "p-open-music"
TODAY = dt.date(2026, 11, 22)  # Sunday; the course's next date is Tuesday 24 November
FIRST_TUESDAY = dt.date(2026, 11, 24)


def catalogue_county(*, capacity: int = 8) -> domain.Bundle:
    bundle = county()
    rural = [
        domain.School("r-north", "北村小学", SchoolKind.RURAL, "xiao", "rural"),
        domain.School("r-south", "南村小学", SchoolKind.RURAL, "xiao", "rural"),
        domain.School("r-hill", "山村教学点", SchoolKind.RURAL, "xiao", "hill"),
    ]
    return dataclasses.replace(
        bundle,
        schools=(*bundle.schools, *rural),
        bell_schedules=(*bundle.bell_schedules, domain.BellSchedule("hill", "山村作息")),
        bell_periods=(
            *bundle.bell_periods,
            *periods("hill", ["08:00", "08:45", "09:40", "10:30"], 40, live=(1, 2, 3, 4)),
        ),
        assistants=(
            *bundle.assistants,
            domain.Assistant("a-north", "r-north", "周老师", "13900000011"),
            domain.Assistant("a-south", "r-south", "吴老师", "13900000012"),
            domain.Assistant("a-hill", "r-hill", "郑老师", "13900000013"),
        ),
        classrooms=(
            *(
                dataclasses.replace(c, network=NetworkProfile.GOOD) if c.id == "c-west-3" else c
                for c in bundle.classrooms
            ),
            domain.Classroom("c-north-3", "r-north", "三年级", 3, 18, "a-north"),
            domain.Classroom("c-south-4", "r-south", "四年级", 4, 21, "a-south"),
            domain.Classroom("c-hill-3", "r-hill", "三年级", 3, 12, "a-hill"),
        ),
        pinned_sessions=tuple(
            dataclasses.replace(p, capacity=capacity) if p.id == COURSE else p
            for p in bundle.pinned_sessions
        ),
    )


def options() -> SolverOptions:
    return solver_options(SolverSettings(num_workers=1))


async def arrange(store: Store, bundle: domain.Bundle | None = None) -> domain.Bundle:
    """The county imported, the pages' plan saved and published from TODAY, feeds and users."""
    bundle = bundle or catalogue_county()
    await import_bundle(store, bundle, source="test", now=NOW)
    async with store.write() as session:
        await save_plan(session, PLAN, kind="solve", now=NOW, seed=0, time_limit_s=0)
    await publish_lessons(store, now=NOW, today=TODAY)
    await ensure_feed_tokens(store, secret=SECRET.encode(), language="zh", now=NOW)
    await add_users(store)
    await add_catalogue_users(store)
    return bundle


CATALOGUE_USERS = {"north": "a-north", "south": "a-south", "hill": "a-hill"}


async def add_catalogue_users(store: Store) -> None:
    """The three new schools' assistants, with the pages' password."""
    password_hash = TEST_HASHER.hash(PASSWORD)
    async with store.write() as session:
        for username, assistant_id in CATALOGUE_USERS.items():
            session.add(
                models.UserRow(
                    username=username,
                    role="assistant",
                    scope_kind="assistant",
                    scope_id=assistant_id,
                    password_hash=password_hash,
                    created_at=NOW,
                )
            )
