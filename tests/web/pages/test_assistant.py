"""The assistant's phone page over real HTTP: own classrooms only, its token, its weight."""

from __future__ import annotations

import re

from aiohttp import hdrs
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func
from sqlmodel import col, select

from coordinator import models
from coordinator.services.checkins import CheckinConfig
from coordinator.store import Store
from coordinator.web.api import CHECKIN_CONFIG
from coordinator.web.pages.assistant_app import MANIFEST, SHELL
from tests.web.pages.support import MEETING, MONDAY, NOW, Client, app_for, sign_in

CARD = re.compile(r'data-lesson="([^"]+)" data-classroom="([^"]+)"')
CSRF = re.compile(r'data-csrf="([^"]+)"')
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')
APP = re.compile(r'href="(/assistant/[^"]+)"')
WATCH = re.compile(r'class="room-link" href="(/watch/[^"]+)"')
BUDGET = 60 * 1024


async def _client(aiohttp_client: AiohttpClient, store: Store) -> Client:
    """The pages' app with the check-in API on the same fixed clock (Monday 10:30)."""
    app = app_for(store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=lambda: NOW)
    return await aiohttp_client(app)


async def _own_cards(store: Store, assistant_id: str) -> set[tuple[str, str]]:
    """(lesson, classroom) of Monday's lessons in the assistant's classrooms, from the rows."""
    link, classroom = models.LessonClassroomRow, models.ClassroomRow
    query = (
        select(link.lesson_key, link.classroom_id)
        .join(classroom, col(classroom.id) == col(link.classroom_id))
        .join(models.LessonRow, col(models.LessonRow.key) == col(link.lesson_key))
        .where(classroom.assistant_id == assistant_id, models.LessonRow.date == MONDAY)
    )
    async with store.read() as session:
        return {(row[0], row[1]) for row in (await session.exec(query)).all()}


async def _page(client: Client, username: str) -> str:
    assert await sign_in(client, username) == 303
    response = await client.get("/assistant")
    assert response.status == 200
    return await response.text()


async def _token(client: Client, page: str) -> str:
    found = CSRF.search(page)
    assert found is not None
    response = await client.post("/assistant/token.json", headers={"X-CSRF-Token": found[1]})
    assert response.status == 201
    token: str = (await response.json())["token"]
    return token


def _check_in(lesson_key: str, classroom_id: str) -> dict[str, object]:
    return {
        "lesson_key": lesson_key,
        "classroom_id": classroom_id,
        "kind": "check_in",
        "device_time": NOW.isoformat(),
        "fields": {"stream_up": True, "students_present": 30},
    }


async def test_assistant_page_lists_only_own_classrooms_lessons(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    page = await _page(client, "li")
    shown = set(CARD.findall(page))
    assert shown == await _own_cards(arranged, "a-li")
    assert {classroom for _, classroom in shown} == {"c-east-3", "c-east-4"}
    assert "开始上课 / 签到" in page
    assert 'value="32"' in page  # students present prefilled with c-east-3's roll


async def test_assistant_page_of_another_assistant_hides_the_first_ones_rooms(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    shown = set(CARD.findall(await _page(client, "zhao")))
    assert shown == await _own_cards(arranged, "a-zhao")
    assert {classroom for _, classroom in shown} == {"c-west-3"}


async def test_assistant_page_refuses_other_roles_and_strangers(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    anonymous = await client.get("/assistant", allow_redirects=False)
    token_anonymous = await client.post("/assistant/token.json")
    assert await sign_in(client, "wang") == 303
    teacher = await client.get("/assistant", allow_redirects=False)
    assert (anonymous.status, anonymous.headers[hdrs.LOCATION]) == (303, "/signin?next=/assistant")
    assert token_anonymous.status == 403  # no session: no CSRF token either
    assert teacher.status == 403


async def test_device_token_needs_csrf_and_authenticates_the_outbox(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    page = await _page(client, "li")
    forged = await client.post("/assistant/token.json")
    token = await _token(client, page)
    lessons = await client.get(
        "/api/v1/lessons?from=2026-11-23&to=2026-11-23",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert forged.status == 403
    assert lessons.status == 200
    assert (await lessons.json())["assistant_id"] == "a-li"


async def test_check_in_for_another_assistants_lesson_is_refused(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    token = await _token(client, await _page(client, "li"))
    (other_lesson, other_room), *_ = sorted(await _own_cards(arranged, "a-zhao"))
    (own_lesson, own_room), *_ = sorted(await _own_cards(arranged, "a-li"))
    headers = {"Authorization": f"Bearer {token}"}
    refused = await client.post(
        "/api/v1/check-ins",
        json=_check_in(other_lesson, other_room),
        headers={**headers, "Idempotency-Key": "other"},
    )
    accepted = await client.post(
        "/api/v1/check-ins",
        json=_check_in(own_lesson, own_room),
        headers={**headers, "Idempotency-Key": "own"},
    )
    assert (refused.status, accepted.status) == (404, 201)
    async with arranged.read() as session:
        rows = (await session.exec(select(func.count()).select_from(models.AttendanceRow))).one()
    assert rows == 1


async def test_assistant_page_with_its_assets_stays_under_60_kb(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    """First load: the page, its assets, the worker, the manifest, and the page once more (the
    worker keeps a copy when it installs), counted uncompressed, so stricter than on the wire."""
    client = await _client(aiohttp_client, arranged)
    page = await _page(client, "li")
    assets = sorted({*ASSETS.findall(page), *APP.findall(page), *SHELL})
    sizes = {"/assistant": 2 * len(page.encode())}
    for path in [*assets, "/assistant/sw.js"]:
        response = await client.get(path, headers={hdrs.ACCEPT_ENCODING: "identity"})
        assert response.status == 200, path
        sizes[path] = len(await response.read())
    assert {"/static/assistant.js", "/static/assistant.css", MANIFEST} <= set(assets)
    assert sum(sizes.values()) <= BUDGET, sizes


async def test_classroom_link_opens_the_watch_page_with_the_meeting_to_join(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await _client(aiohttp_client, arranged)
    page = await _page(client, "li")
    links = WATCH.findall(page)  # today's lessons in time order: the last one is not over
    assert links
    watch = await client.get(links[-1])
    body = await watch.text()
    assert watch.status == 200
    assert f'href="{MEETING}"' in body  # a meeting provider: its join link, in the page
    assert "上课时间：主讲教师开始后将在这里播放" in body  # nobody reports its liveness
    assert (await client.get(links[-1][:-3] + "xyz")).status == 404  # an altered signature
    assert (await client.get(links[0])).status == 404  # a lesson over with its margin: expired
