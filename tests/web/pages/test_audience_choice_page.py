"""A county admin chooses who gets what in the console (real server, SQLite and PostgreSQL):
checked, stored for their county only, audited in words, Chinese first."""

from __future__ import annotations

from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in

PATH = "/messages/audiences"


async def stored(store: Store) -> dict[tuple[str, str], str]:
    table = models.NotificationAudienceRow
    async with store.read() as session:
        rows = (await session.exec(select(table))).all()
    return {(row.region_id, row.kind): row.audiences for row in rows}


async def test_a_county_admin_chooses_who_gets_what(client: Client, arranged: Store) -> None:
    await sign_in(client, "admin")
    messages = await (await client.get("/messages")).text()
    assert 'href="/messages/audiences"' in messages
    page = await client.get(PATH)
    assert page.status == 200
    text = await page.text()
    for words in ("谁收到哪些消息", "课前提醒", "课程变更通知", "未签到告警", "课堂助教"):
        assert words in text
    assert "Who gets what" not in text
    english = await (await client.get(PATH, headers={"Accept-Language": "en"})).text()
    assert "Who gets what" in english
    assert "No-show alerts" in english
    assert "课前提醒" not in english
    assert 'name="change" value="teacher" checked' in text  # the setting's default shown
    assert 'name="change" value="admin">' in text

    token = await csrf_of(client, PATH)
    wrong = await client.post(PATH, data={"_csrf": token, "change": "parent"})
    assert wrong.status == 400
    assert "“课程变更通知”没有“parent”这类接收人。" in await wrong.text()
    assert await stored(arranged) == {}

    form = [
        ("_csrf", token),
        ("reminder", "teacher"),
        ("reminder", "assistant"),
        ("change", "teacher"),
        ("change", "admin"),
        ("alert", "admin"),
    ]
    saved = await client.post(PATH, data=form, allow_redirects=False)
    assert saved.status == 303
    assert saved.headers["Location"] == f"{PATH}?saved=1"
    assert await stored(arranged) == {
        ("xiao", "change"): "teacher,admin",
        ("xiao", "alert"): "admin",
    }  # reminders as before: nothing stored
    again = await (await client.get(f"{PATH}?saved=1")).text()
    assert "已保存" in again
    assert 'name="change" value="admin" checked' in again
    assert 'name="alert" value="assistant">' in again

    async with arranged.read() as session:
        query = select(models.AuditRow).where(
            col(models.AuditRow.action) == "notifications.audiences"
        )
        audits = (await session.exec(query)).all()
    assert [(a.actor, a.object_id) for a in audits] == [("admin", "xiao")]
    log = await (await client.get("/audit")).text()
    assert "消息接收人已更改" in log
    assert "课程变更通知：主讲教师、课堂助教 → 主讲教师、管理员" in log


async def test_only_a_county_admin_has_it(client: Client, arranged: Store) -> None:
    await sign_in(client, "pair-admin")  # an alliance's admin has no county to choose for
    assert (await client.get(PATH, allow_redirects=False)).status == 403
    assert 'href="/messages/audiences"' not in await (await client.get("/messages")).text()
    await sign_in(client, "wang")
    assert (await client.get(PATH, allow_redirects=False)).status == 403
