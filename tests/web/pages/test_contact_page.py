"""An admin edits their own contacts in the console; a wrong value is named in Chinese."""

from __future__ import annotations

from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in

GOOD = {
    "phone": "13800000009",
    "wecom_userid": "zhangsan",
    "dingtalk_userid": "",
    "preferred_channel": "wecom",
    "quiet_hours": "22:00-07:00",
}


async def admin_row(store: Store) -> models.UserRow:
    async with store.read() as session:
        query = select(models.UserRow).where(col(models.UserRow.username) == "admin")
        row = (await session.exec(query)).first()
    assert row is not None
    return row


async def test_an_admin_saves_their_contacts_and_a_wrong_value_is_named(
    client: Client, arranged: Store
) -> None:
    await sign_in(client, "admin")
    page = await client.get("/messages/contact")
    assert page.status == 200
    assert "我的联系方式" in await page.text()
    token = await csrf_of(client, "/messages/contact")
    wrong = await client.post(
        "/messages/contact", data={**GOOD, "quiet_hours": "10pm", "_csrf": token}
    )
    assert wrong.status == 400
    text = await wrong.text()
    assert "免打扰时段的格式是 22:00-07:00。" in text
    assert 'value="zhangsan"' in text  # what was typed stays
    assert (await admin_row(arranged)).wecom_userid == ""
    saved = await client.post(
        "/messages/contact", data={**GOOD, "_csrf": token}, allow_redirects=False
    )
    assert saved.status == 303
    assert saved.headers["Location"] == "/messages/contact?saved=1"
    row = await admin_row(arranged)
    assert (row.phone, row.wecom_userid, row.preferred_channel, row.quiet_hours) == (
        "13800000009",
        "zhangsan",
        "wecom",
        "22:00-07:00",
    )
    async with arranged.read() as session:
        actions = (await session.exec(select(models.AuditRow.action))).all()
    assert "user.contact" in actions


async def test_only_admins_have_it(client: Client, arranged: Store) -> None:
    await sign_in(client, "wang")
    assert (await client.get("/messages/contact", allow_redirects=False)).status == 403
