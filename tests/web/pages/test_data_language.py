"""An upload's result in the reader's language, and a language switch from it that lands on a
page (the result answers a POST; its address has no GET)."""

from __future__ import annotations

import html
from pathlib import Path

from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in, stamp_head
from tests.web.pages.test_data import upload_form
from tests.web.pages.test_data_one_table import exported_table


async def test_a_bad_clock_reads_in_chinese_and_the_switch_returns_to_the_data_page(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    await stamp_head(arranged)
    lines = await exported_table(arranged, tmp_path, "busy_blocks")
    lines[1] = lines[1].replace(lines[1].split(",")[3], "25:61")
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    result = await client.post("/data/upload", data=upload_form(token, "busy_blocks.csv", body))
    page = html.unescape(await result.text())
    switched = await client.post(
        "/lang", data={"_csrf": token, "lang": "en", "next": "/data"}, allow_redirects=False
    )
    assert result.status == 200
    assert "<code>busy_blocks.csv:2 end</code>" in page
    assert "'25:61' 不是有效的时间（HH:MM，24 小时制）" in page
    assert "is not a clock time" not in page
    assert '<input type="hidden" name="next" value="/data">' in page
    assert (switched.status, switched.headers["Location"]) == (303, "/data")
    english = await client.post("/data/upload", data=upload_form(token, "busy_blocks.csv", body))
    assert "'25:61' is not a clock time (HH:MM, 24-hour)" in html.unescape(await english.text())
