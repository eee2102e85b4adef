"""The catalogue and host pages over HTTP: Chinese first, scope, refusals, closing."""

from __future__ import annotations

import pytest
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.settings import CatalogueSettings
from coordinator.store import Store
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.services.catalogue.support import COURSE, arrange
from tests.web.pages.support import (
    NOW,
    Client,
    app_for,
    csrf_of,
    lessons_received,
    settings,
    sign_in,
)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: Store) -> Client:
    await arrange(store)
    return await aiohttp_client(app_for(store))


async def test_admin_picks_a_classroom_and_sees_why_not_in_chinese(client: Client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get("/courses?classroom=c-east-4")).text()
    assert "本班助教这个时间要在另一个班上课。" in page
    assert "课程主讲方页面" in page
    assert "assistant_clash" not in page


async def test_assistant_sees_only_own_classrooms(client: Client) -> None:
    await sign_in(client, "north")
    assert (await client.get("/courses?classroom=c-east-3")).status == 404
    page = await (await client.get("/courses")).text()
    assert "北村小学 · 三年级" in page
    assert "东村小学" not in page
    assert (await client.get(f"/courses/{COURSE}/host")).status == 403


async def test_host_closes_enrolment_and_a_join_is_refused_with_the_reason(
    client: Client,
) -> None:
    await sign_in(client, "admin")
    token = await csrf_of(client, f"/courses/{COURSE}/host")
    saved = await client.post(
        f"/courses/{COURSE}/enrolment", data={"_csrf": token, "closed": "yes", "cap": ""}
    )
    assert saved.status == 200
    assert "已保存。" in await saved.text()
    refused = await client.post(
        f"/courses/{COURSE}/join", data={"_csrf": token, "classroom": "c-north-3"}
    )
    assert refused.status == 409
    assert "未能加入：主讲方已停止报名。" in await refused.text()


async def test_host_page_lists_the_classrooms_and_refuses_a_bad_cap(client: Client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get(f"/courses/{COURSE}/host")).text()
    assert "东村小学" in page
    assert "西村教学点" in page
    token = await csrf_of(client, f"/courses/{COURSE}/host")
    bad = await client.post(f"/courses/{COURSE}/enrolment", data={"_csrf": token, "cap": "九"})
    assert bad.status == 400
    assert "名额上限：请填写班级数（整数），或留空。" in await bad.text()


async def test_county_that_approves_turns_a_join_into_a_request_an_admin_approves(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    await arrange(store)
    approving = settings().model_copy(
        update={"catalogue": CatalogueSettings(approval_regions=("xiao",))}
    )
    app = create_app(approving, store)
    app[PAGES] = PagesConfig(clock=lambda: NOW)
    assistant = await aiohttp_client(app)
    await sign_in(assistant, "north")
    token = await csrf_of(assistant, "/courses")
    assert "申请加入这门课" in await (await assistant.get("/courses")).text()
    asked = await assistant.post(
        f"/courses/{COURSE}/join", data={"_csrf": token, "classroom": "c-north-3"}
    )
    assert "已提交申请" in await asked.text()
    assert "已申请，等待审批。" in await asked.text()
    admin = assistant
    await admin.post("/signout", data={"_csrf": await csrf_of(admin, "/courses")})
    await sign_in(admin, "admin")
    page = await (await admin.get("/courses/requests")).text()
    assert "北村小学 · 三年级" in page
    request_id = page.split('data-request="')[1].split('"')[0]
    token = await csrf_of(admin, "/courses/requests")
    approved = await admin.post(f"/courses/requests/{request_id}/approve", data={"_csrf": token})
    assert "已批准" in await approved.text()
    rows = await lessons_received(store, "c-north-3")
    assert rows
    assert all(row.date.isoweekday() == 2 for row in rows)
