"""The open courses in English: lists of grades with an English comma, the admin's note
labelled as their own words; in Chinese the 、 of a Chinese list."""

from __future__ import annotations

import html

from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in, stamp_head


async def test_courses_read_as_english_lists_in_english_and_chinese_in_chinese(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    chinese = html.unescape(await (await client.get("/courses")).text())
    token = await csrf_of(client, "/courses")
    await client.post("/lang", data={"_csrf": token, "lang": "en", "next": "/courses"})
    english = html.unescape(await (await client.get("/courses")).text())
    host = html.unescape(await (await client.get("/courses/p-open-music/host")).text())
    assert "年级 3、4" in chinese
    assert "备注：公益课堂" in chinese
    assert "Grades 3, 4" in english
    assert "Note: 公益课堂" in english
    assert "Grades 3, 4" in host
    assert "、" not in english + host
