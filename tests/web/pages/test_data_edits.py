"""In-place edits of the Data page, one pattern for all: checked as the table uploaded, stored
all or nothing, audited, and the admin pointed at a rebalance or a new solve."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from coordinator import models
from coordinator.services.data.imports import load_bundle
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in, stamp_head


async def audits(store: Store, action: str) -> list[models.AuditRow]:
    async with store.read() as session:
        query = select(models.AuditRow).where(col(models.AuditRow.action) == action)
        return list((await session.exec(query)).all())


async def post(client: Client, path: str, fields: dict[str, str]) -> tuple[int, str]:
    token = await csrf_of(client, path)
    response = await client.post(path, data={"_csrf": token, **fields}, allow_redirects=False)
    return response.status, await response.text()


async def test_a_teachers_limits_are_saved_audited_and_the_replan_hint_shown(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    page = await (await client.get("/data/edit/limits/t-wang")).text()
    assert "王丽 的课时上限" in page
    assert 'value="10"' in page
    status, _ = await post(
        client, "/data/edit/limits/t-wang", {"max_per_day-0": "2", "max_per_week-0": "7"}
    )
    assert status == 303
    wang = next(t for t in (await load_bundle(arranged)).network_teachers if t.id == "t-wang")
    assert (wang.max_per_day, wang.max_per_week, wang.name, wang.subjects) == (
        2,
        7,
        "王丽",
        ("music",),
    )
    [audit] = await audits(arranged, "data.edit.limits")
    assert (audit.actor, audit.object_id, audit.details["changed"]) == ("admin", "t-wang", 1)
    data = await (await client.get("/data?imported=1&edited=limits")).text()
    assert "预览调课" in data
    assert 'href="/solve"' in data


async def test_a_bad_cell_is_answered_in_chinese_with_its_field_and_nothing_is_written(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    status, page = await post(
        client, "/data/edit/limits/t-wang", {"max_per_day-0": "0", "max_per_week-0": "7"}
    )
    assert status == 400
    assert "每天最多节数：“0”不符合要求，应填写不小于 1 的整数。" in page
    assert 'value="0"' in page  # what was typed stays in the form
    assert await load_bundle(arranged) == before
    assert await audits(arranged, "data.edit.limits") == []


async def test_a_rule_across_tables_refuses_the_edit_beside_its_row(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    status, page = await post(
        client,
        "/data/edit/needs/c-east-3",
        {"subject_id-0": "music", "periods_per_week-0": "2"}
        | {"subject_id-1": "chess", "periods_per_week-1": "1"},
    )
    assert status == 400
    assert page.count('<tr class="error">') == 1
    assert "科目编号：“chess”不存在（subjects.csv 里没有这个编号）。" in page
    assert await load_bundle(arranged) == before


async def test_a_schools_closures_and_makeup_days_replace_only_its_own(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    fields = {
        "date-0": "2026-12-01",
        "kind-0": "closure",
        "follows_weekday-0": "",
        "name-0": "停水",
    }
    fields |= {
        "date-1": "2026-12-05",
        "kind-1": "makeup",
        "follows_weekday-1": "2",
        "name-1": "调休",
    }
    status, page = await post(client, "/data/edit/calendar/r-east", fields)
    assert status == 303, page
    after = await load_bundle(arranged)
    east = [
        (d.date, d.kind.value, d.follows_weekday)
        for d in after.calendar_days
        if d.school_id == "r-east"
    ]
    assert east == [(dt.date(2026, 12, 1), "closure", None), (dt.date(2026, 12, 5), "makeup", 2)]
    others = [d for d in after.calendar_days if d.school_id != "r-east"]
    assert others == [d for d in before.calendar_days if d.school_id != "r-east"]


async def test_a_classrooms_needs_and_assistant_are_edited(client: Client, arranged: Store) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    fields = {"subject_id-0": "music", "periods_per_week-0": "3"}
    fields |= {"subject_id-1": "art", "periods_per_week-1": "1"}
    assert (await post(client, "/data/edit/needs/c-east-3", fields))[0] == 303
    assert (await post(client, "/data/edit/assistant/c-west-3", {"assistant_id-0": "a-li"}))[
        0
    ] == 303
    after = await load_bundle(arranged)
    needs = sorted(
        (n.subject_id, n.periods_per_week) for n in after.needs if n.classroom_id == "c-east-3"
    )
    assert needs == [("art", 1), ("music", 3)]
    west = next(c for c in after.classrooms if c.id == "c-west-3")
    assert (west.assistant_id, west.name) == ("a-li", "三年级")  # the other cells as stored


async def test_pin_and_unpin_a_session(client: Client, arranged: Store) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    page = await (await client.get("/data/edit/pins/t-wang")).text()
    assert 'value="p-open-music"' in page
    pin = {"id-0": "p-new", "subject_id-0": "music", "weekday-0": "4", "start-0": "10:00"}
    pin |= {"end-0": "10:40", "grades-0": "3", "capacity-0": "1", "open-0": "", "note-0": ""}
    assert (await post(client, "/data/edit/pins/t-wang", pin))[0] == 303  # p-open-music unpinned
    pins = [(p.id, p.weekday, p.start) for p in (await load_bundle(arranged)).pinned_sessions]
    assert pins == [("p-new", 4, dt.time(10, 0))]


async def test_a_classroom_and_a_teacher_are_added_and_a_taken_id_refused(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    room = {"id-0": "c-east-5", "school_id-0": "r-east", "name-0": "五年级", "grade-0": "5"}
    room |= {"students-0": "30", "assistant_id-0": "a-li", "network-0": ""}
    assert (await post(client, "/data/edit/classroom/new", room))[0] == 303
    teacher = {"id-0": "t-liu", "school_id-0": "u-one", "name-0": "刘洋", "subjects-0": "art"}
    teacher |= {"grades-0": "3-6", "max_per_day-0": "2", "max_per_week-0": "8"}
    assert (await post(client, "/data/edit/teacher/new", teacher))[0] == 303
    after = await load_bundle(arranged)
    assert "c-east-5" in {c.id for c in after.classrooms}
    assert "t-liu" in {t.id for t in after.network_teachers}
    status, page = await post(client, "/data/edit/classroom/new", room)
    assert status == 400
    assert page.count('<tr class="error">') == 1
    assert "编号：“c-east-5”已经有了，每一行都必须不同。" in page
    assert len(await audits(arranged, "data.edit.classroom")) == 1


async def test_an_owner_outside_the_scope_is_not_found(client: Client) -> None:
    await sign_in(client, "admin")
    assert (await client.get("/data/edit/needs/c-far")).status == 404
    assert (await client.get("/data/edit/nothing/t-wang")).status == 404


async def test_an_edit_reads_in_words_in_the_audit_log(client: Client, arranged: Store) -> None:
    await stamp_head(arranged)
    await sign_in(client, "admin")
    fields = {"max_per_day-0": "2", "max_per_week-0": "7"}
    assert (await post(client, "/data/edit/limits/t-wang", fields))[0] == 303
    page = await (await client.get("/audit")).text()
    assert "修改了课时上限" in page
    assert "新增 0 行，修改 1 行，删除 0 行" in page
    assert ">data.edit.limits<" not in page  # (the filter's option values are ids)


async def test_a_rule_across_tables_reads_in_chinese_with_its_field(
    client: Client, arranged: Store
) -> None:
    """The reader's own cross-table message (a pin in a grade the teacher does not teach),
    translated beside the field it is about; nothing is written."""
    await stamp_head(arranged)
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    pin = {"id-0": "p-new", "subject_id-0": "music", "weekday-0": "4", "start-0": "10:00"}
    pin |= {"end-0": "10:40", "grades-0": "9", "capacity-0": "1", "open-0": "", "note-0": ""}
    status, page = await post(client, "/data/edit/pins/t-wang", pin)
    assert status == 400
    assert "年级：教师 王丽 不教 9 年级" in page  # the name, not the id
    assert "does not teach" not in page
    assert await load_bundle(arranged) == before
