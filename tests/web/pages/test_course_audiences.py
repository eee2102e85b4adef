"""Parent classes and teacher training on the catalogue over HTTP: join, refuse, host page."""

from __future__ import annotations

import pytest
from pytest_aiohttp import AiohttpClient

from coordinator.store import Store
from tests.services.catalogue.support import arrange
from tests.services.catalogue.test_audiences import PARENTS, TRAINING, audience_county
from tests.web.pages.support import Client, app_for, csrf_of, sign_in


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: Store) -> Client:
    await arrange(store, audience_county(parents_capacity=1))
    return await aiohttp_client(app_for(store))


def form(token: str, kind: str, audience: str, **extra: str) -> dict[str, str]:
    return {"_csrf": token, "classroom": "c-north-3", "kind": kind, "audience": audience} | extra


async def test_assistant_joins_the_parent_class_but_sees_no_training(client: Client) -> None:
    await sign_in(client, "north")
    page = await (await client.get("/courses")).text()
    assert "家长课堂与教师培训" in page
    assert "本班家长" in page
    assert "本校教师" not in page  # a school's teachers are joined by an admin
    token = await csrf_of(client, "/courses")
    joined = await client.post(
        f"/courses/{PARENTS}/audience/join", data=form(token, "classroom", "c-north-3")
    )
    assert joined.status == 200
    text = await joined.text()
    assert "已加入：上课日期已进入他们的日历。" in text
    assert f'action="/courses/{PARENTS}/audience/leave"' in text
    refused = await client.post(
        f"/courses/{TRAINING}/audience/join", data=form(token, "school", "r-north")
    )
    assert refused.status == 404


async def test_admin_joins_a_school_and_a_full_parent_class_refuses(client: Client) -> None:
    await sign_in(client, "admin")
    token = await csrf_of(client, "/courses?classroom=c-north-3")
    joined = await client.post(
        f"/courses/{TRAINING}/audience/join", data=form(token, "school", "r-north")
    )
    assert joined.status == 200
    first = await client.post(
        f"/courses/{PARENTS}/audience/join",
        data=form(token, "classroom", "c-east-3", classroom="c-east-3"),
    )
    assert first.status == 200
    full = await client.post(
        f"/courses/{PARENTS}/audience/join", data=form(token, "classroom", "c-north-3")
    )
    assert full.status == 409
    assert "未能加入：名额已满。" in await full.text()
    host = await (await client.get(f"/courses/{TRAINING}/host")).text()
    assert "报名的家长和教师" in host
    assert "全校教师" in host
    assert "北村小学" in host


async def test_a_first_date_that_is_not_a_date_is_named(client: Client) -> None:
    await sign_in(client, "admin")
    token = await csrf_of(client, "/courses?classroom=c-north-3")
    bad = await client.post(
        f"/courses/{PARENTS}/audience/join",
        data=form(token, "classroom", "c-north-3", **{"from": "下周一"}),
    )
    assert bad.status == 400
    assert "开始日期“下周一”不是日期" in await bad.text()
    also = await client.post(
        "/courses/p-open-music/join",
        data={"_csrf": token, "classroom": "c-north-3", "from": "2026-13-01"},
    )
    assert also.status == 400
    assert "开始日期“2026-13-01”不是日期" in await also.text()
