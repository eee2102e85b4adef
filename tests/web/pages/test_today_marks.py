"""Today over real HTTP: problems at the top with the alert that went out, 代课 and 已调整
marks, cancelled lessons quiet (no assistant's phone as if a classroom were missing)."""

from __future__ import annotations

from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.notifications.alerts import check_teacher_live
from coordinator.settings import FeedSettings, Settings
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.notify.support import notifier
from tests.streams.factories import rtmp_settings
from tests.web.pages.support import NOW, SECRET, Client, sign_in
from tests.web.pages.test_lesson_page import lesson, post


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("</tr>")[:-1]


async def test_a_teacher_not_live_and_a_lesson_missed_are_problems_at_the_top_with_the_alert(
    client: Client, arranged: Store
) -> None:
    key = "wang-music-mon@2026-11-23"  # 10:10-10:50; the clock says 10:30, nobody is live
    directory = Directory.of(await load_bundle(arranged))
    sent = await check_teacher_live(
        arranged,
        notifier("http://127.0.0.1:9"),
        directory,
        lesson_key=key,
        revision=(await lesson(arranged, key)).revision,
        now=NOW,
    )
    await sign_in(client, "admin")
    board = await (await client.get("/today.json")).json()
    rows = rows_of(await (await client.get("/today")).text())
    assert sent > 0
    assert [(x["key"], x["state"], x["problem"]) for x in board["lessons"]] == [
        (key, "late", True),
        ("chen-art-mon@2026-11-23", "missed", True),  # ended 09:50, never checked in
        ("wang-music-west@2026-11-23", "upcoming", False),
    ]
    first = board["lessons"][0]
    # A meeting link: nobody reports the teacher live, so the board does not say they are not
    assert (first["teacher_missing"], first["substitute"], first["moved"]) == (False, False, False)
    assert {(a["problem"], a["recipient"], a["status"]) for a in first["alerts"]} == {
        ("not_live", "admin", "pending")
    }
    assert 'badge late">主讲未开播' not in rows[0]
    assert "10:30 已发出提醒：主讲未开播 → 管理员（待发送）" in rows[0]
    assert "未签到（已结束）" in rows[1]
    assert "已发出提醒" not in rows[1]


async def test_a_substitute_a_moved_and_a_cancelled_lesson_read_as_such(
    client: Client, arranged: Store
) -> None:
    await sign_in(client, "admin")
    reassigned = await post(
        client, "reassign", "/lessons/wang-music-mon@2026-11-30", teacher="t-chen", note="培训"
    )
    moved = await post(
        client, "move", "/lessons/wang-music-mon@2026-12-07", date="2026-12-08", start="10:10"
    )
    cancelled = await post(client, "cancel", "/lessons/wang-music-west@2026-11-30", note="运动会")
    assert (reassigned.status, moved.status, cancelled.status) == (303, 303, 303)
    monday = rows_of(await (await client.get("/today?date=2026-11-30")).text())
    tuesday = rows_of(await (await client.get("/today?date=2026-12-08")).text())
    substitute = next(row for row in monday if "10:10–10:50" in row)
    quiet = next(row for row in monday if "11:00–11:40" in row)
    assert "代课" in substitute
    assert "陈明" in substitute
    assert "已调整" not in substitute
    assert "已取消" in quiet
    assert "西村教学点 三年级" in quiet
    assert "13900000002" not in quiet
    assert "赵老师" not in quiet
    assert "代课" not in quiet
    moved_row = next(row for row in tuesday if "10:10–10:50" in row)
    assert "已调整" in moved_row
    assert "王丽" in moved_row
    assert "代课" not in moved_row


async def test_a_teacher_not_live_is_said_where_the_streaming_server_reports_it(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    streams = StreamsSettings(provider="rtmp", rtmp=rtmp_settings())
    settings = Settings(streams=streams, secret_key=SECRET, feeds=FeedSettings(counter_ttl_s=0))
    app = create_app(settings, arranged)
    app[PAGES] = PagesConfig(clock=lambda: NOW)
    client = await aiohttp_client(app)
    await sign_in(client, "admin")
    board = await (await client.get("/today.json")).json()
    rows = rows_of(await (await client.get("/today")).text())
    first = board["lessons"][0]
    assert (first["key"], first["state"], first["teacher_missing"]) == (
        "wang-music-mon@2026-11-23",
        "late",
        True,
    )
    assert 'badge late">主讲未开播' in rows[0]
