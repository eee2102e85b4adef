"""A lesson shared beyond an admin's scope: seen without the others' names and phones, not changed.

`west-admin` holds the alliance `west-only` (西村教学点 alone). The open music lesson reaches
c-east-3 (东村, 李老师 13900000001) and c-west-3 (西村, 赵老师 13900000002), taught by 王丽
of 城关一小: the west admin sees it, only their own part named, and may not move, cancel,
re-assign or restore it for the others. `city-west-admin` holds 王丽's school and 西村, not 东村.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import col

from coordinator import domain, models
from coordinator.enums import AllianceKind
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.web.pages.support import (
    NOW,
    PASSWORD,
    TEST_HASHER,
    Client,
    county,
    csrf_of,
    lessons_received,
    sign_in,
)


async def add_admin(store: Store, username: str, scope: str) -> None:
    kind, _, object_id = scope.partition(":")
    async with store.write() as session:
        session.add(
            models.UserRow(
                username=username,
                role="admin",
                scope_kind=kind,
                scope_id=object_id,
                password_hash=TEST_HASHER.hash(PASSWORD),
                created_at=NOW,
            )
        )


async def shared_lesson(store: Store) -> models.LessonRow:
    """The first open music lesson (c-east-3 and c-west-3) not started yet."""
    rows = await lessons_received(store, "c-west-3", col(models.LessonRow.start) > NOW)
    return next(row for row in rows if row.key.startswith("p-open-music@"))


@pytest.fixture
async def west(arranged: Store) -> models.LessonRow:
    """The alliance west-only imported (before the client's first request) and its admin."""
    bundle = county()
    bundle = dataclasses.replace(
        bundle,
        alliances=(
            *bundle.alliances,
            domain.Alliance("west-only", "西村联盟", AllianceKind.PAIRING, "r-west"),
            domain.Alliance("city-west", "城西结对", AllianceKind.PAIRING, "u-one"),
        ),
        alliance_members=(
            *bundle.alliance_members,
            domain.AllianceMember("city-west", "r-west", 1),
        ),
    )
    await import_bundle(arranged, bundle, source="test", now=NOW)
    await add_admin(arranged, "west-admin", "alliance:west-only")
    await add_admin(arranged, "city-west-admin", "alliance:city-west")  # 王丽 and 西村
    return await shared_lesson(arranged)


async def test_shared_lesson_page_shows_only_the_admins_own_names_and_phones(
    client: Client, west: models.LessonRow
) -> None:
    await sign_in(client, "west-admin")
    response = await client.get(f"/lessons/{west.key}")
    page = await response.text()
    assert response.status == 200
    assert ("赵老师" in page, "13900000002" in page) == (True, True)
    assert ("李老师" in page, "13900000001" in page, "王丽" in page) == (False, False, False)
    assert 'id="shared"' in page
    assert f"/lessons/{west.key}/cancel" not in page


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("cancel", {"note": "运动会"}),
        ("move", {"date": "2026-12-03", "start": "10:10"}),
        ("reassign", {"teacher": "t-chen"}),
        ("restore", {}),
    ],
)
async def test_shared_lesson_edit_by_an_admin_of_one_classroom_is_refused(
    client: Client, arranged: Store, west: models.LessonRow, kind: str, form: dict[str, str]
) -> None:
    await sign_in(client, "west-admin")
    token = await csrf_of(client, f"/lessons/{west.key}")
    response = await client.post(
        f"/lessons/{west.key}/{kind}", data={"_csrf": token, **form}, allow_redirects=False
    )
    async with arranged.read() as session:
        after = await session.get(models.LessonRow, west.key)
    assert response.status == 403
    assert after is not None
    assert (after.status, after.start, after.teacher_id, after.revision) == (
        west.status,
        west.start,
        west.teacher_id,
        west.revision,
    )


async def test_shared_lesson_cancel_by_an_admin_of_the_whole_lesson_is_stored(
    client: Client, arranged: Store, west: models.LessonRow
) -> None:
    await sign_in(client, "admin")
    token = await csrf_of(client, f"/lessons/{west.key}")
    response = await client.post(
        f"/lessons/{west.key}/cancel",
        data={"_csrf": token, "note": "运动会", "confirm": "yes"},
        allow_redirects=False,
    )
    async with arranged.read() as session:
        after = await session.get(models.LessonRow, west.key)
    assert response.status == 303
    assert after is not None
    assert after.status == "cancelled"


async def test_today_board_leaves_out_names_and_phones_outside_the_scope(
    client: Client, west: models.LessonRow
) -> None:
    await sign_in(client, "west-admin")
    response = await client.get(f"/today?date={west.date.isoformat()}")
    page = await response.text()
    assert response.status == 200
    assert "13900000002" in page
    assert ("13900000001" in page, "李老师" in page, "王丽" in page) == (False, False, False)


async def test_teacher_page_for_an_admin_leaves_out_classrooms_outside_the_scope(
    client: Client, west: models.LessonRow
) -> None:
    await sign_in(client, "city-west-admin")
    response = await client.get(f"/teachers/t-wang?week={west.date.isoformat()}")
    page = await response.text()
    assert response.status == 200
    assert ("赵老师" in page, "13900000002" in page) == (True, True)
    assert ("李老师" in page, "13900000001" in page) == (False, False)


async def test_shared_lesson_with_the_teacher_in_scope_still_needs_every_classroom(
    client: Client, arranged: Store, west: models.LessonRow
) -> None:
    await sign_in(client, "city-west-admin")
    token = await csrf_of(client, f"/lessons/{west.key}")
    response = await client.post(
        f"/lessons/{west.key}/cancel",
        data={"_csrf": token, "note": "运动会", "confirm": "yes"},
        allow_redirects=False,
    )
    async with arranged.read() as session:
        after = await session.get(models.LessonRow, west.key)
    assert response.status == 403
    assert after is not None
    assert after.status == west.status


async def test_week_grid_for_an_admin_leaves_out_names_outside_the_scope(
    client: Client, west: models.LessonRow
) -> None:
    await sign_in(client, "west-admin")
    response = await client.get(f"/timetables/classroom/c-west-3?week={west.date.isoformat()}")
    page = await response.text()
    assert response.status == 200
    assert ("西村教学点" in page, "管理范围外的一个班级" in page) == (True, True)
    assert ("东村小学" in page, "王丽" in page) == (False, False)
