"""The lesson page over real HTTP: move, cancel, re-assign and restore one lesson by hand."""

from __future__ import annotations

from aiohttp import ClientResponse
from sqlmodel import select

from coordinator import models
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in

KEY = "wang-music-mon@2026-11-30"  # 王丽, music, Monday 10:10-10:50 to 东村 三年级（1）班
PATH = "/lessons/wang-music-mon@2026-11-30"
STARTED = "/lessons/wang-music-mon@2026-11-23"  # 10:10 today; the clock says 10:30


async def post(client: Client, action: str, path: str = PATH, **fields: str) -> ClientResponse:
    token = await csrf_of(client, path)
    return await client.post(
        f"{path}/{action}", data={"_csrf": token, **fields}, allow_redirects=False
    )


async def lesson(store: Store, key: str = KEY) -> models.LessonRow:
    async with store.read() as session:
        row = await session.get(models.LessonRow, key)
    assert row is not None
    return row


async def edits(store: Store) -> list[str]:
    async with store.read() as session:
        return [row.kind for row in (await session.exec(select(models.LessonEditRow))).all()]


async def test_the_page_shows_the_lesson_and_a_form_for_each_change(client: Client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get(PATH)).text()
    assert "<h1>音乐 <small>2026年11月30日星期一 10:10–10:50</small></h1>" in page
    assert "东村小学 三年级（1）班 · 李老师" in page
    assert "第 0 次修订" in page
    for action in ("move", "reassign", "cancel"):
        assert f'action="{PATH}/{action}"' in page
    assert f'action="{PATH}/restore"' not in page  # nothing to restore yet
    assert '<option value="t-chen">陈明 · 城关一小</option>' in page
    assert 'value="2026-11-30"' in page
    assert 'value="10:10"' in page
    assert "没有：这节课按课表进行。" in page


async def test_a_move_is_stored_shown_and_can_be_restored(client: Client, arranged: Store) -> None:
    await sign_in(client, "admin")
    moved = await post(client, "move", date="2026-12-01", start="10:10", note="教研活动")
    page = await (await client.get(moved.headers["Location"])).text()
    restored = await post(client, "restore")
    after = await lesson(arranged)
    assert (moved.status, moved.headers["Location"]) == (303, f"{PATH}?done=move")
    assert "已调课。" in page
    assert "2026年12月1日星期二 10:10–10:50" in page
    assert "已手动调整。课表原定于11月30日 周一 10:10–10:50，由王丽授课。" in page
    assert "<td>admin</td>" in page
    assert "教研活动" in page
    assert f'action="{PATH}/restore"' in page
    assert restored.status == 303
    assert (after.date.isoformat(), after.revision) == ("2026-11-30", 2)
    assert await edits(arranged) == ["move", "restore"]


async def test_a_badly_written_date_and_time_are_named_and_kept(client: Client) -> None:
    await sign_in(client, "admin")
    response = await post(client, "move", date="2026-13-01", start="25:00")
    page = await response.text()
    assert response.status == 400
    assert "日期：请写成 YYYY-MM-DD。" in page
    assert "开始时间：请写成 HH:MM。" in page
    assert 'value="2026-13-01" aria-invalid="true" aria-describedby="move-date-error"' in page
    assert 'value="25:00" aria-invalid="true" aria-describedby="move-start-error"' in page


async def test_a_conflicting_move_is_refused_naming_the_other_lesson(
    client: Client, arranged: Store
) -> None:
    await sign_in(client, "admin")
    before = await lesson(arranged)
    response = await post(client, "move", date="2026-12-01", start="09:10")  # the open class
    page = await response.text()
    english = await (
        await client.post(
            f"{PATH}/move",
            data={"_csrf": await csrf_of(client, PATH), "date": "2026-12-01", "start": "09:10"},
            headers={"Accept-Language": "en"},
        )
    ).text()
    assert response.status == 400
    assert 'id="move-start-error">王丽在2026-12-01（周二）09:10–09:50已有音乐课' in page
    assert "东村小学 三年级（1）班在2026-12-01（周二）09:10–09:50已有王丽的音乐课。" in page
    assert "王丽 already teaches Music to 东村小学 三年级（1）班、西村教学点 三年级" in english
    assert (await lesson(arranged)).model_dump() == before.model_dump()
    assert await edits(arranged) == []


async def test_warnings_come_back_with_a_box_to_confirm_them(
    client: Client, arranged: Store
) -> None:
    await sign_in(client, "admin")
    first = await post(client, "move", date="2026-12-03", start="09:40")
    page = await first.text()
    confirmed = await post(client, "move", date="2026-12-03", start="09:40", confirm="yes")
    assert first.status == 200
    assert "没有落在东村小学 三年级（1）班2026-12-03（周四）的直播课节内" in page
    assert 'name="confirm" value="yes" required' in page
    assert confirmed.status == 303
    assert await edits(arranged) == ["move"]


async def test_reassigning_and_cancelling_with_a_reason(client: Client, arranged: Store) -> None:
    await sign_in(client, "admin")
    reassigned = await post(client, "reassign", teacher="t-chen", note="王丽外出培训")
    no_reason = await post(client, "cancel", note="  ")
    cancelled = await post(client, "cancel", note="运动会")
    page = await (await client.get(PATH)).text()
    row = await lesson(arranged)
    assert reassigned.status == 303
    assert no_reason.status == 400
    assert 'id="cancel-note-error">请填写取消的原因。' in await no_reason.text()
    assert cancelled.status == 303
    assert (row.teacher_id, row.status, row.revision) == ("t-chen", "cancelled", 2)
    assert f'action="{PATH}/reassign"' not in page
    assert f'action="{PATH}/cancel"' not in page
    assert f'action="{PATH}/move"' in page  # a cancelled lesson can still be made up
    assert f'action="{PATH}/restore"' in page
    assert await edits(arranged) == ["reassign", "cancel"]


async def test_a_lesson_that_has_started_offers_no_change(client: Client) -> None:
    await sign_in(client, "admin")
    page = await (await client.get(STARTED)).text()
    response = await post(client, "cancel", STARTED, note="太晚了")
    assert "这节课已经开始，不能再调整。" in page
    assert f'action="{STARTED}/move"' not in page
    assert response.status == 400
    assert "这节课已于2026-11-23（周一）10:10–10:50开始" in await response.text()


async def test_only_admins_may_open_or_change_a_lesson(client: Client, arranged: Store) -> None:
    statuses = []
    for username in ("wang", "li"):
        client.session.cookie_jar.clear()
        await sign_in(client, username)
        token = await csrf_of(client, "/calendars")
        statuses.append((await client.get(PATH)).status)
        data = {"_csrf": token, "note": "x"}
        statuses.append((await client.post(f"{PATH}/cancel", data=data)).status)
    client.session.cookie_jar.clear()
    await sign_in(client, "admin")
    missing = await client.get("/lessons/no-such@2026-11-30")
    assert statuses == [403, 403, 403, 403]
    assert missing.status == 404
    assert (await lesson(arranged)).status == "scheduled"


async def test_a_form_without_its_csrf_token_is_refused(client: Client, arranged: Store) -> None:
    await sign_in(client, "admin")
    response = await client.post(f"{PATH}/cancel", data={"note": "forged"})
    assert response.status == 403
    assert await edits(arranged) == []


async def test_admins_reach_the_lesson_from_the_week_grid_and_today(client: Client) -> None:
    link = 'href="/lessons/wang-music-mon%402026-11-30"'
    await sign_in(client, "admin")
    admin_grid = await (await client.get("/timetables/teacher/t-wang?week=2026-11-30")).text()
    today = await (await client.get("/today?fragment=1")).text()
    opened = await client.get("/lessons/wang-music-mon%402026-11-30")
    client.session.cookie_jar.clear()
    await sign_in(client, "wang")
    teacher_grid = await (await client.get("/timetables/teacher/t-wang?week=2026-11-30")).text()
    assert link in admin_grid
    assert opened.status == 200  # the link, percent-encoded as it is, opens the lesson
    assert 'href="/lessons/wang-music-mon%402026-11-23"' in today
    assert "/lessons/" not in teacher_grid
