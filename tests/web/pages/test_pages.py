"""Each page over real HTTP for its role: Today, timetables, teacher, calendars, audit."""

from __future__ import annotations

import datetime as dt
import re

from coordinator import models
from coordinator.store import Store
from tests.web.pages.support import MEETING, NOW, Client, csrf_of, first_lesson, sign_in


async def check_in(store: Store) -> None:
    """c-east-3 checked in to Wang's 10:10 lesson, Wang live; c-west-3 reports a failed stream."""
    live = await first_lesson(store, "c-east-3")
    west = await first_lesson(store, "c-west-3")
    at = NOW - dt.timedelta(minutes=15)
    async with store.write() as session:
        session.add(attendance(live.key, "c-east-3", "a-li", at, quality="good", students=28))
        session.add(attendance(west.key, "c-west-3", "a-zhao", at, quality="failed", students=9))
        session.add(
            models.ProblemReportRow(
                id="p-west-1",
                lesson_key=west.key,
                classroom_id="c-west-3",
                assistant_id="a-zhao",
                problem="no_signal",
                note="画面黑屏",
                device_time=at,
                received_at=at,
                skew_seconds=0,
                late=False,
                idempotency_key="p-west-1",
            )
        )
        session.add(
            models.StreamEventRow(
                lesson_key=live.key,
                kind="publish",
                participant_id="t-wang",
                accepted=True,
                reason="ok",
                stream_name=live.key,
                at=at,
            )
        )


def attendance(
    lesson_key: str, room: str, assistant: str, at: dt.datetime, *, quality: str, students: int
) -> models.AttendanceRow:
    return models.AttendanceRow(
        lesson_key=lesson_key,
        classroom_id=room,
        kind="check_in",
        assistant_id=assistant,
        students_present=students,
        stream_up=quality != "failed",
        stream_quality=quality,
        device_time=at,
        received_at=at,
        skew_seconds=0,
        late=False,
        idempotency_key=f"{lesson_key}-{room}",
    )


async def test_today_shows_every_state_problems_first(client: Client, arranged: Store) -> None:
    await check_in(arranged)
    await sign_in(client, "admin")
    board = await (await client.get("/today.json")).json()
    page = await (await client.get("/today")).text()
    fragment = await (await client.get("/today?fragment=1")).text()
    states = [(x["key"], x["state"], x["checked_in"], x["classrooms"]) for x in board["lessons"]]
    assert board["date"] == "2026-11-23"
    assert states == [
        ("wang-music-west@2026-11-23", "failed", 1, 1),
        ("chen-art-mon@2026-11-23", "missed", 0, 1),  # ended with no check-in: a problem
        ("wang-music-mon@2026-11-23", "live", 1, 1),
    ]
    assert "主讲在线" in page
    assert "28 名学生" in page
    assert "上报： 没有信号：画面黑屏" in page  # the kind in words, not no_signal
    assert "no_signal" not in page
    assert fragment.startswith("\n<table") or fragment.lstrip().startswith("<table")


async def test_week_grid_uses_the_schools_bell_times_and_explains_unmet_needs(
    client: Client,
) -> None:
    await sign_in(client, "li")
    page = await (await client.get("/timetables/classroom/c-east-3?week=2026-11-25")).text()
    english = await (
        await client.get(
            "/timetables/classroom/c-east-3?week=2026-11-23", headers={"Accept-Language": "en"}
        )
    ).text()
    third_period = page.split("第 3 节", 1)[1].split("</tr>", 1)[0]  # rural: 10:10-10:50
    assert "10:10–10:50" in third_period
    assert "音乐" in third_period
    assert "没有音乐老师有空。" in page
    assert "No music teacher is free then." in english


async def test_teacher_page_shows_rooms_phones_and_the_feed(client: Client) -> None:
    await sign_in(client, "wang")
    page = await (await client.get("/teachers/t-wang?week=2026-11-23")).text()
    assert "李老师" in page
    assert 'href="tel:13900000001"' in page
    assert f'href="{MEETING}"' in page  # go live
    assert "<svg" in page
    assert re.search(r'href="webcal://[^"]+/feeds/[A-Za-z0-9_-]{43}\.ics"', page)


async def test_rotating_ones_own_feed_and_revoking_are_audited(client: Client) -> None:
    await sign_in(client, "wang")
    page = await (await client.get("/calendars")).text()
    old = re.findall(r'value="http://[^"]+(/feeds/[^"]+\.ics)"', page)[0]
    token = await csrf_of(client, "/calendars")
    rotated = await client.post(
        "/calendars/rotate", data={"_csrf": token, "owner": "teacher:t-wang"}
    )
    new = re.findall(r'value="http://[^"]+(/feeds/[^"]+\.ics)"', await rotated.text())[0]
    statuses = ((await client.get(old)).status, (await client.get(new)).status)
    client.session.cookie_jar.clear()
    await sign_in(client, "admin")
    token = await csrf_of(client, "/calendars")
    await client.post("/calendars/revoke", data={"_csrf": token, "owner": "assistant:a-zhao"})
    audit = await (await client.get("/audit")).text()
    only_revokes = await (await client.get("/audit?action=feed.revoke")).text()
    assert statuses == (404, 200)
    # Sentences and names, not codes and ids; the time in the county's zone, not UTC.
    assert ("更换日历订阅地址" in audit, "王丽" in audit) == (True, True)
    table = audit.split("<table", 1)[1]  # the filter's options carry the action codes
    assert ("feed.rotate" in table, "teacher:t-wang" in table, "UTC" in audit) == (
        False,
        False,
        False,
    )
    revokes = only_revokes.split("<table", 1)[1]
    assert ("赵老师" in revokes, "作废日历订阅地址" in revokes, "更换" in revokes) == (
        True,
        True,
        False,
    )


async def test_calendars_group_feeds_by_owner_kind_by_name_with_copy_and_qr(
    client: Client,
) -> None:
    await sign_in(client, "admin")
    page = await (await client.get("/calendars")).text()
    groups = re.findall(r"<summary><h3>([^<]+) <small>", page)
    assert (groups[0], groups[-1]) == ("本县", "教室")
    assert {"主讲教师", "助教", "学校"} <= set(groups)
    listed = page.split('id="feed-search"', 1)[1]
    assert ("王丽" in listed, "teacher:t-wang</" in listed, "<small>teacher:" in listed) == (
        True,
        False,
        False,
    )
    assert listed.count('class="copy secondary"') == listed.count('class="feed-row"') > 5
    qr = await client.get("/calendars/qr", params={"owner": "teacher:t-wang"})
    assert (qr.status, qr.content_type) == (200, "image/svg+xml")
    assert (await qr.text()).startswith("<svg")
    assert '<link rel="icon" href="/static/favicon.svg"' in page  # no missing favicon
    assert (await client.get("/static/favicon.svg")).status == 200
    client.session.cookie_jar.clear()
    await sign_in(client, "li")  # an assistant: another's feed is not theirs to see
    other = await client.get("/calendars/qr", params={"owner": "teacher:t-wang"})
    assert other.status == 404
