"""Arranging the pages' world: the small county published, four users, a signed-in client."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from aiohttp import web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from sqlalchemy import ColumnElement
from sqlmodel import col, select

from coordinator import domain, models
from coordinator.app import create_app
from coordinator.enums import SchoolKind
from coordinator.services.data.imports import import_bundle
from coordinator.services.feeds.subscriptions import ensure_feed_tokens
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.plans import save_plan
from coordinator.settings import FeedSettings, Settings
from coordinator.store import Store
from coordinator.streams import StaticSettings, StreamsSettings
from coordinator.timetable.plan import Plan, Reason, Session, Unmet
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.factories import small_bundle

Client = TestClient[web.Request, web.Application]
NOW = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)  # Monday 10:30 in Shanghai
MONDAY = dt.date(2026, 11, 23)
PASSWORD = "correct horse battery"
SECRET = "test-secret-for-pages"
MEETING = "https://meeting.example.cn/j/8801234567"
USERS = {
    "admin": ("admin", "region:xiao"),
    "pair-admin": ("admin", "alliance:pair-1"),
    "da-region": ("admin", "region:da"),  # the other county on the same server
    "wang": ("teacher", "teacher:t-wang"),
    "chen": ("teacher", "teacher:t-chen"),
    "li": ("assistant", "assistant:a-li"),
    "zhao": ("assistant", "assistant:a-zhao"),
    "sun": ("assistant", "assistant:a-far"),
}
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024)  # argon2id, test-sized cost
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


PLAN = Plan(
    status="OPTIMAL",
    sessions=(
        Session("chen-art-mon", "t-chen", "art", 1, dt.time(9, 10), dt.time(9, 50), ("c-east-4",)),
        Session(
            "wang-music-mon", "t-wang", "music", 1, dt.time(10, 10), dt.time(10, 50), ("c-east-3",)
        ),
        Session(
            "wang-music-west", "t-wang", "music", 1, dt.time(11, 0), dt.time(11, 40), ("c-west-3",)
        ),
        Session(
            "p-open-music",
            "t-wang",
            "music",
            2,
            dt.time(9, 10),
            dt.time(9, 50),
            ("c-east-3", "c-west-3"),
            pinned_id="p-open-music",
        ),
    ),
    unmet=(
        Unmet(
            "c-east-3",
            "music",
            1,
            Reason("no_teacher_time", {}, "No music teacher is free then.", "没有音乐老师有空。"),
        ),
    ),
)


def county() -> domain.Bundle:
    """The small county and, in another region, one far school nobody here may see."""
    bundle = small_bundle()
    return dataclasses.replace(
        bundle,
        regions=(*bundle.regions, domain.Region("da", "大县")),
        schools=(
            *bundle.schools,
            domain.School("r-far", "远山小学", SchoolKind.RURAL, "da", "rural"),
        ),
        assistants=(
            *bundle.assistants,
            domain.Assistant("a-far", "r-far", "孙老师", "13900000009"),
        ),
        classrooms=(
            *bundle.classrooms,
            domain.Classroom("c-far", "r-far", "五年级", 5, 20, "a-far"),
        ),
    )


def settings() -> Settings:
    streams = StreamsSettings(provider="static", static=StaticSettings(teacher_url=MEETING))
    return Settings(
        feeds=FeedSettings(counter_ttl_s=0),
        secret_key=SECRET,
        streams=streams,
    )


async def arrange(store: Store) -> None:
    """The small county imported, solved, published from Sunday on; feeds and users made."""
    await import_bundle(store, county(), source="test", now=NOW)
    async with store.write() as session:
        await save_plan(session, PLAN, kind="solve", now=NOW, seed=0, time_limit_s=0)
    await publish_lessons(store, now=NOW, today=dt.date(2026, 11, 22))
    await ensure_feed_tokens(store, secret=SECRET.encode(), language="zh", now=NOW)
    await add_users(store)


async def add_users(store: Store) -> None:
    """USERS straight into the table with one shared hash (add_user is tested on its own)."""
    password_hash = TEST_HASHER.hash(PASSWORD)
    async with store.write() as session:
        for username, (role, scope) in USERS.items():
            kind, _, object_id = scope.partition(":")
            session.add(
                models.UserRow(
                    username=username,
                    role=role,
                    scope_kind=kind,
                    scope_id=object_id,
                    password_hash=password_hash,
                    created_at=NOW,
                )
            )


def app_for(store: Store, config: PagesConfig | None = None) -> web.Application:
    app = create_app(settings(), store)
    app[PAGES] = config or PagesConfig(clock=lambda: NOW)
    return app


async def csrf_of(client: Client, path: str = "/signin") -> str:
    page = await (await client.get(path)).text()
    found = CSRF.search(page)
    assert found is not None, page
    return found.group(1)


async def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    token = await csrf_of(client)
    response = await client.post(
        "/signin",
        data={"_csrf": token, "username": username, "password": password},
        allow_redirects=False,
    )
    return response.status


async def lessons_received(
    store: Store, classroom_id: str, *where: ColumnElement[bool]
) -> list[models.LessonRow]:
    """The lessons `classroom_id` receives that match `where`, by start."""
    query = (
        select(models.LessonRow)
        .join(
            models.LessonClassroomRow,
            col(models.LessonClassroomRow.lesson_key) == col(models.LessonRow.key),
        )
        .where(models.LessonClassroomRow.classroom_id == classroom_id, *where)
        .order_by(col(models.LessonRow.start))
    )
    async with store.read() as session:
        return list((await session.exec(query)).all())


async def first_lesson(store: Store, classroom_id: str, day: dt.date = MONDAY) -> models.LessonRow:
    """The earliest lesson of `day` that `classroom_id` receives."""
    return (await lessons_received(store, classroom_id, col(models.LessonRow.date) == day))[0]


async def stamp_head(store: Store) -> None:
    """Mark a create_all store as migrated, so import_into's upgrade has nothing to do."""
    from alembic import command
    from sqlalchemy.engine import Connection

    from coordinator.store.schema import alembic_config

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.stamp(config, "head")

    async with store.writer.begin() as connection:
        await connection.run_sync(run)
