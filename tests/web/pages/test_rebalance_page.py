"""The Rebalance page over real HTTP: forms, a proposal in names, apply, discard, stale, scope.

The arranged county has one substitute: 陈明 (t-chen) teaches music to grades 3–4 like 王丽
(t-wang). 王丽 is sick from Tuesday 24 November to Monday 30 November; NOW is Monday 23rd,
10:30 in Shanghai, so Tuesday's 09:10 lesson is inside the 48 hours of change notices.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import json
import re
from collections.abc import Mapping

import aiohttp
import icalendar
import pytest
from pytest_aiohttp import AiohttpClient
from sqlmodel import col, select

from coordinator import domain, models
from coordinator.enums import AllianceKind
from coordinator.notify import build_channels
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.feeds.subscriptions import list_feeds
from coordinator.services.jobs import rebalancing, records
from coordinator.services.notifications.outbox import deliver_due
from coordinator.services.notifications.reminders import send_change_notices
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify.support import Receiver, notifier
from tests.web.pages.support import (
    NOW,
    SECRET,
    TEST_HASHER,
    Client,
    app_for,
    county,
    csrf_of,
    sign_in,
)
from tests.web.pages.test_solve_page import solver_worker

receiver = fixtures.receiver
solver_worker = solver_worker  # PostgreSQL: a queue worker runs the preview jobs
HANG_S = 120  # only to catch a hang
JOB = re.compile(r"^/rebalance/jobs/(\d+)$")
SICK = {"kind": "teacher", "teacher": "t-wang", "reason": "sick", "span": "dates"}
WEEK = {"first": "2026-11-24", "last": "2026-11-30"}
WEEK_END = dt.date(2026, 11, 30)
FORM = re.compile(r'<form method="post" action="/rebalance/apply".*?</form>', re.S)
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
BASE = "http://feeds.example.cn"


async def signed_in(client: Client, username: str = "admin") -> str:
    assert await sign_in(client, username) == 303
    return await csrf_of(client, "/rebalance")


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    location: str
    page: str

    @property
    def text(self) -> str:
        """The page's words, without tags."""
        return re.sub(r"<[^>]+>", " ", self.page)


async def post(client: Client, path: str, token: str, fields: Mapping[str, object]) -> Answer:
    """POST the fields (a list repeats its name), without following a redirect."""
    data = aiohttp.FormData()
    data.add_field("_csrf", token)
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            data.add_field(name, str(item))
    response = await client.post(path, data=data, allow_redirects=False)
    return Answer(response.status, response.headers.get("Location", ""), await response.text())


async def previewed(client: Client, token: str, fields: Mapping[str, object]) -> Answer:
    """POST the preview form; once its job ended, the job's page (the proposal or the forms)."""
    answer = await post(client, "/rebalance/preview", token, fields)
    if answer.status != 303:
        return answer
    assert JOB.match(answer.location), answer.location
    async with asyncio.timeout(HANG_S):
        while True:
            if (await (await client.get(f"{answer.location}.json")).json())["ended"]:
                break
            await asyncio.sleep(0.05)
    response = await client.get(answer.location, allow_redirects=False)
    return Answer(response.status, response.headers.get("Location", ""), await response.text())


def apply_fields(page: str) -> list[tuple[str, str]]:
    """The Apply form's hidden fields, as the browser would post them."""
    found = FORM.search(page)
    assert found is not None, page
    return [(n, html.unescape(v)) for n, v in FIELD.findall(found.group(0)) if n != "_csrf"]


def as_fields(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def shown_keys(page: str) -> set[str]:
    return set(re.findall(r'data-key="([^"]+)"', page))


async def lessons(store: Store) -> dict[str, models.LessonRow]:
    async with store.read() as session:
        return {row.key: row for row in (await session.exec(select(models.LessonRow))).all()}


async def versions(store: Store) -> list[models.TimetableVersionRow]:
    async with store.read() as session:
        query = select(models.TimetableVersionRow).order_by(col(models.TimetableVersionRow.id))
        return list((await session.exec(query)).all())


async def audit(store: Store) -> list[models.AuditRow]:
    async with store.read() as session:
        query = select(models.AuditRow).where(models.AuditRow.action == "timetable.rebalance")
        return list((await session.exec(query)).all())


@dataclasses.dataclass(frozen=True)
class Shown:
    """How a feed shows one lesson."""

    sequence: int
    status: str


def parse_feed(body: bytes) -> dict[str, Shown]:
    """A feed's lessons (events left out) by UID."""
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(event["UID"]): Shown(int(str(event["SEQUENCE"])), str(event.get("STATUS", "")))
        for event in calendar.walk("VEVENT")
        if not str(event["UID"]).startswith("event-")
    }


async def feed_path(store: Store, owner: str) -> str:
    found = await list_feeds(store, secret=SECRET.encode(), base_url=BASE)
    return {str(link.owner): link for link in found}[owner].https.removeprefix(BASE)


async def feed(client: Client, store: Store, owner: str) -> dict[str, Shown]:
    """The owner's feed fetched over HTTP and parsed."""
    response = await client.get(await feed_path(store, owner))
    assert response.status == 200
    return parse_feed(await response.read())


def in_week(key: str) -> bool:
    day = dt.date.fromisoformat(key.rsplit("@", 1)[1])
    return dt.date(2026, 11, 24) <= day <= dt.date(2026, 11, 30)


async def add_user(store: Store, username: str, scope: str) -> None:
    kind, _, object_id = scope.partition(":")
    async with store.write() as session:
        session.add(
            models.UserRow(
                username=username,
                role="admin",
                scope_kind=kind,
                scope_id=object_id,
                password_hash=TEST_HASHER.hash("correct horse battery"),
                created_at=NOW,
            )
        )


Lessons = dict[str, models.LessonRow]
Feed = dict[str, Shown]


def check_week_went_to_the_substitute(
    before: Lessons, after: Lessons, wang_before: Feed, wang: Feed, chen: Feed
) -> set[str]:
    """Every lesson that changed is 王丽's in the sick week: in 陈明's feed with SEQUENCE up, or
    cancelled in hers; or it is 陈明's new lesson. The keys of the lessons that changed."""
    changed = {
        k for k, row in after.items() if k not in before or row.revision != before[k].revision
    }
    taken = {k for k in changed if k in before and after[k].teacher_id == "t-chen"}
    assert taken, "the substitute takes over some of the week's lessons"
    for key in changed:
        uid, row = after[key].uid, after[key]
        assert in_week(key)
        if key not in before:
            assert (row.teacher_id, chen[uid]) == ("t-chen", Shown(0, "CONFIRMED"))
            continue
        assert (before[key].teacher_id, wang_before[uid]) == ("t-wang", Shown(0, "CONFIRMED"))
        if key in taken:
            assert (uid in wang, chen[uid]) == (False, Shown(1, "CONFIRMED"))
        else:
            assert (row.status, wang[uid]) == ("cancelled", Shown(1, "CANCELLED"))
    return changed


async def test_form_offers_only_what_is_in_the_admins_scope(
    client: Client, arranged: Store
) -> None:
    await add_user(arranged, "da-admin", "region:da")
    await signed_in(client)
    page = await (await client.get("/rebalance")).text()
    await signed_in(client, "da-admin")
    far = await (await client.get("/rebalance")).text()
    assert '<option value="t-wang">王丽（城关一小）</option>' in page
    assert '<option value="c-east-3">东村小学 三年级（1）班</option>' in page
    assert '<option value="c-west-3:music">西村教学点 三年级 · 音乐 × 1</option>' in page
    assert "c-far" not in page
    assert 'href="/data"' in page  # no imported classroom waits: import one first
    assert "t-wang" not in far
    assert '<option value="c-far">远山小学 五年级</option>' in far
    assert (await client.get("/rebalance?teacher=t-wang")).status == 404


async def test_form_errors_name_the_field(client: Client) -> None:
    token = await signed_in(client)

    async def preview(fields: Mapping[str, str]) -> Answer:
        return await previewed(client, token, fields)

    no_teacher = await preview(SICK | WEEK | {"teacher": ""})
    backwards = await preview(SICK | {"first": "2026-11-30", "last": "2026-11-24"})
    past = await preview(SICK | {"first": "2026-11-20", "last": "2026-11-30"})
    bad_day = await preview(SICK | {"first": "next week", "last": "2026-11-30"})
    weekday = await preview(SICK | WEEK | {"weekdays": "8"})
    need = {"kind": "need-add", "classroom": "c-east-4", "subject": "music", "span": "now"}
    periods = await preview(need | {"periods": "0"})
    gone = await preview({"kind": "need-remove", "need": "c-east-4:music", "span": "now"})
    kind = await preview({"kind": "guess", "span": "now"})
    answers = (no_teacher, backwards, past, bad_day, weekday, periods, gone, kind)
    assert {answer.status for answer in answers} == {400}
    assert 'id="teacher-teacher-error">请选择一位老师。' in no_teacher.page
    assert 'id="teacher-last-error">最后一天早于第一天。' in backwards.page
    assert 'id="teacher-first-error">第一天早于今天' in past.page
    assert 'id="teacher-first-error">请以日期填写第一天' in bad_day.page
    assert 'id="teacher-weekdays-error">星期只能是周一到周日。' in weekday.page
    assert 'id="need-add-periods-error">每周节数：1 到 20 之间的整数。' in periods.page
    assert 'id="need-remove-need-error">' in gone.page
    assert "请选择要做的调整。" in kind.page
    assert "调整方案" not in no_teacher.text  # no proposal was made


async def test_preview_names_every_change_and_stores_nothing(
    client: Client, arranged: Store
) -> None:
    token = await signed_in(client)
    before = await lessons(arranged)
    answer = await previewed(client, token, SICK | WEEK)
    keys = shown_keys(answer.page)
    assert answer.status == 200
    assert "王丽（城关一小）不能上课（每天）" in answer.text
    assert "仅 2026-11-24 至 2026-11-30" in answer.text
    assert "病假" in answer.text
    assert "陈明（城关一小）" in answer.text  # the substitute
    assert "东村小学 三年级（1）班" in answer.text
    assert "周二 09:10" in answer.text  # weekday and time in the classroom's school's clock
    assert not re.search(r"\bt-(wang|chen)\b|\bc-(east|west)-", answer.text)  # names, not ids
    assert keys
    assert all(in_week(key) for key in keys)
    assert {before[key].teacher_id for key in keys if key in before} == {"t-wang"}
    assert (len(await versions(arranged)), await lessons(arranged)) == (1, before)


async def test_apply_bumps_exactly_the_lessons_shown_and_moves_them_to_the_substitute(
    client: Client, arranged: Store
) -> None:
    token = await signed_in(client)
    wang_before = await feed(client, arranged, "teacher:t-wang")
    before = await lessons(arranged)
    preview = await previewed(client, token, SICK | WEEK)
    applied = await post(client, "/rebalance/apply", token, as_fields(apply_fields(preview.page)))
    done = await (await client.get(applied.location)).text()
    after = await lessons(arranged)
    wang = await feed(client, arranged, "teacher:t-wang")
    chen = await feed(client, arranged, "teacher:t-chen")
    changed = check_week_went_to_the_substitute(before, after, wang_before, wang, chen)
    preview_id = dict(apply_fields(preview.page))["preview"]
    late = await post(client, "/rebalance/discard", token, {"preview": preview_id})
    again = await post(client, "/rebalance/apply", token, as_fields(apply_fields(preview.page)))
    assert (applied.status, applied.location) == (303, "/rebalance?applied=2")
    assert (late.status, late.location) == (303, "/rebalance?applied=2")  # not discarded
    assert again.status == 409  # applied once only
    assert "已应用为第 2 版课表。" in done
    assert 'href="/timetables/teacher/t-chen?week=2026-11-24"' in done
    assert changed == shown_keys(preview.page)
    version = (await versions(arranged))[-1]
    assert (version.id, version.applies_from, version.applies_to, version.parent_id) == (
        2,
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 30),
        1,
    )
    (entry,) = await audit(arranged)
    assert (entry.actor, entry.object_kind, entry.object_id) == ("admin", "timetable", "2")
    assert entry.details["change"] == {
        "kind": "TeacherUnavailable",
        "teacher_id": "t-wang",
        "weekdays": [],
    }
    assert entry.details["dates"] == ["2026-11-24", "2026-11-30"]
    counts = entry.details["lessons"]
    assert counts["changed"] + counts["cancelled"] + counts["added"] == len(changed)


async def test_applied_change_sends_a_notice_for_the_lesson_within_48_hours(
    client: Client, arranged: Store, receiver: tuple[Receiver, str]
) -> None:
    received, base = receiver
    token = await signed_in(client)
    preview = await previewed(client, token, SICK | WEEK)
    await post(client, "/rebalance/apply", token, as_fields(apply_fields(preview.page)))
    config = notifier(base, channels=("robots",))
    directory = Directory.of(await load_bundle(arranged))
    queued = await send_change_notices(arranged, config, directory, now=NOW)
    async with aiohttp.ClientSession() as session:
        channels = build_channels(config.settings, session)
        report = await deliver_due(arranged, config.settings, channels, now=NOW)
    texts = [json.loads(body)["text"]["content"] for *_, body in received.to("/wecom")]
    async with arranged.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    assert queued > 0
    assert (report.sent, report.retrying) == (queued, 0)
    # Tuesday 09:10, the open music class, is cancelled and 陈明 gets a new lesson then; next
    # Monday's changes are days away.
    assert {row.lesson_key for row in rows} == {
        "p-open-music@2026-11-24",
        "t-chen.music.2.0910@2026-11-24",
    }
    assert {row.recipient for row in rows} >= {
        "teacher:t-wang",
        "teacher:t-chen",
        "assistant:a-li",
        "assistant:a-zhao",
    }
    assert any("【已取消】音乐" in text for text in texts)
    assert any("【新增课程】音乐" in text for text in texts)


async def test_discard_stores_nothing(client: Client, arranged: Store) -> None:
    token = await signed_in(client)
    before = await lessons(arranged)
    preview = await previewed(client, token, SICK | WEEK)
    preview_id = dict(apply_fields(preview.page))["preview"]
    discarded = await post(client, "/rebalance/discard", token, {"preview": preview_id})
    shown = await (await client.get(discarded.location)).text()
    assert (discarded.status, discarded.location) == (303, "/rebalance?discarded=1")
    assert "调整方案已放弃，没有保存任何内容。" in shown
    assert (len(await versions(arranged)), await lessons(arranged)) == (1, before)
    assert await audit(arranged) == []


async def test_stale_preview_is_refused_and_offered_again(client: Client, arranged: Store) -> None:
    token = await signed_in(client)
    first = await previewed(client, token, SICK | WEEK)
    other = {"kind": "need-remove", "need": "c-east-4:art", "span": "now"}
    second = await previewed(client, token, other)
    applied = await post(client, "/rebalance/apply", token, as_fields(apply_fields(second.page)))
    before = await lessons(arranged)
    refused = await post(client, "/rebalance/apply", token, as_fields(apply_fields(first.page)))
    assert (applied.status, refused.status) == (303, 409)
    assert "预览之后课表或数据已有变动" in refused.text
    assert '<form method="post" action="/rebalance/preview" class="compute">' in refused.page
    assert [v.id for v in await versions(arranged)] == [1, 2]
    assert await lessons(arranged) == before


async def test_another_worker_applies_the_same_proposal_or_shows_the_new_one(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    """A second application (another web process) reads the same proposal from its job."""
    one, two = await aiohttp_client(app_for(arranged)), await aiohttp_client(app_for(arranged))
    token = await signed_in(one)
    fields = apply_fields((await previewed(one, token, SICK | WEEK)).page)
    two.session.cookie_jar.update_cookies(one.session.cookie_jar.filter_cookies(one.make_url("/")))
    forged = as_fields([(n, "0" * 32 if n == "digest" else v) for n, v in fields])
    differs = await post(two, "/rebalance/apply", token, forged)
    assert differs.status == 409
    assert "调整方案已重新计算，与您看到的不同。" in differs.text
    assert len(await versions(arranged)) == 1
    same = await post(two, "/rebalance/apply", token, as_fields(fields))
    assert (same.status, len(await versions(arranged))) == (303, 2)


async def test_admin_of_another_scope_is_refused(client: Client, arranged: Store) -> None:
    """An admin whose scope lacks 西村教学点 may not apply a change that moves its lessons."""
    bundle = county()
    east = domain.Alliance("pair-east", "城关一小—东村", AllianceKind.PAIRING, "u-one")
    member = domain.AllianceMember("pair-east", "r-east")
    bundle = dataclasses.replace(
        bundle,
        alliances=(*bundle.alliances, east),
        alliance_members=(*bundle.alliance_members, member),
    )
    await import_bundle(arranged, bundle, source="test", now=NOW)
    await add_user(arranged, "east-admin", "alliance:pair-east")
    await add_user(arranged, "da-admin", "region:da")
    token = await signed_in(client, "da-admin")
    teacher = await previewed(client, token, SICK | WEEK)
    room = {"kind": "classroom-remove", "classroom": "c-east-3", "span": "now"}
    classroom = await previewed(client, token, room)
    client.session.cookie_jar.clear()
    token = await signed_in(client, "east-admin")
    started = await post(client, "/rebalance/preview", token, SICK | WEEK)
    preview = await previewed(client, token, SICK | WEEK)
    job = JOB.match(started.location)
    assert job is not None
    forged = {**SICK, **WEEK, "preview": job.group(1), "digest": "y"}
    refused = await post(client, "/rebalance/apply", token, forged)
    not_a_job = await post(client, "/rebalance/apply", token, {**forged, "preview": "x"})
    assert (teacher.status, classroom.status) == (404, 404)
    assert preview.status == 200
    assert "不在您的管理范围内" in preview.text
    assert "西村教学点" not in preview.text  # counted, never named
    assert 'action="/rebalance/apply"' not in preview.page
    assert (refused.status, not_a_job.status) == (403, 404)
    assert "不在您的管理范围内" in refused.text
    assert (len(await versions(arranged)), await audit(arranged)) == (1, [])


@pytest.mark.parametrize("username", ["wang", "li"])
async def test_teachers_and_assistants_may_not_rebalance(client: Client, username: str) -> None:
    assert await sign_in(client, username) == 303
    token = await csrf_of(client, "/calendars")
    page = await client.get("/rebalance")
    preview = await previewed(client, token, SICK | WEEK)
    assert (page.status, preview.status) == (403, 403)


async def test_classroom_in_the_imported_data_joins_with_a_minimal_change(
    client: Client, arranged: Store
) -> None:
    bundle = county()
    room = domain.Classroom("c-east-5", "r-east", "五年级（1）班", 5, 28, "a-li")
    bundle = dataclasses.replace(
        bundle,
        classrooms=(*bundle.classrooms, room),
        needs=(*bundle.needs, domain.Need("c-east-5", "music", 1)),
    )
    await import_bundle(arranged, bundle, source="test", now=NOW)
    token = await signed_in(client)
    form = await (await client.get("/rebalance")).text()
    joins = {"kind": "classroom-add", "classroom": "c-east-5", "span": "now"}
    preview = await previewed(client, token, joins)
    applied = await post(client, "/rebalance/apply", token, as_fields(apply_fields(preview.page)))
    query = select(models.LessonClassroomRow).where(
        models.LessonClassroomRow.classroom_id == "c-east-5"
    )
    async with arranged.read() as session:
        dated = (await session.exec(query)).all()
    assert '<option value="c-east-5">东村小学 五年级（1）班</option>' in form
    assert "东村小学 五年级（1）班加入课表" in preview.text
    assert "新开" in preview.text
    assert applied.status == 303
    assert dated


async def test_classroom_leaving_for_a_date_range_previews_and_applies(
    client: Client, arranged: Store
) -> None:
    token = await signed_in(client)
    before = await lessons(arranged)
    leaves = {"kind": "classroom-remove", "classroom": "c-east-3", "span": "dates"} | WEEK

    preview = await previewed(client, token, leaves)
    unchanged = (len(await versions(arranged)), await lessons(arranged))
    applied = await post(client, "/rebalance/apply", token, as_fields(apply_fields(preview.page)))

    assert preview.status == 200, preview.page
    assert "仅 2026-11-24 至 2026-11-30" in preview.text
    assert "东村小学 三年级（1）班" in preview.text
    assert shown_keys(preview.page)
    assert all(in_week(key) for key in shown_keys(preview.page))
    assert unchanged == (1, before)
    assert (applied.status, applied.location) == (303, "/rebalance?applied=2")
    version = (await versions(arranged))[-1]
    assert (version.applies_from, version.applies_to) == (dt.date(2026, 11, 24), WEEK_END)


async def test_preview_runs_as_a_job_and_its_page_shows_progress_until_it_ends(
    client: Client, arranged: Store
) -> None:
    """The form answers at once with the job's page; while a worker runs it, a progress bar."""
    token = await signed_in(client)
    started = await post(client, "/rebalance/preview", token, SICK | WEEK)
    job = JOB.match(started.location)
    assert started.status == 303
    assert job is not None
    job_id = int(job.group(1))
    row = await records.get_job(arranged, job_id)
    assert (row.kind, row.requested_by) == (rebalancing.KIND, "admin")
    assert rebalancing.dates_of(row.params) == (dt.date(2026, 11, 24), WEEK_END)
    # A job another worker holds (claimed, not ended): its page shows the bar and refreshes.
    params = row.params
    held = await records.create_job(
        arranged, kind=rebalancing.KIND, params=params, requested_by="admin", now=NOW
    )
    assert await records.claim(arranged, held, worker="elsewhere:1", now=dt.datetime.now(dt.UTC))
    waiting = await client.get(f"/rebalance/jobs/{held}")
    page = await waiting.text()
    progress = await (await client.get(f"/rebalance/jobs/{held}.json")).json()
    assert waiting.status == 200
    assert '<progress id="bar"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "正在读取数据" in page
    assert (progress["ended"], progress["state_text"]) == (False, "排课中")
    shown = await previewed(client, token, SICK | WEEK)
    assert "陈明（城关一小）" in shown.text


async def test_a_preview_job_that_finds_no_proposal_shows_why_in_words(
    client: Client, arranged: Store
) -> None:
    token = await signed_in(client)
    started = await post(client, "/rebalance/preview", token, SICK | WEEK)
    params = (await records.get_job(arranged, int(started.location.rsplit("/", 1)[1]))).params
    failed = await records.create_job(
        arranged, kind=rebalancing.KIND, params=params, requested_by="admin", now=NOW
    )
    worker = "elsewhere:1"
    await records.claim(arranged, failed, worker=worker, now=dt.datetime.now(dt.UTC))
    refused = {"refused": rebalancing.OVERLAP, "held": ["2026-11-25", "2026-11-26"], "note": "x"}
    await records.finish(
        arranged,
        failed,
        worker=worker,
        state=records.FAILED,
        now=dt.datetime.now(dt.UTC),
        result=refused,
        error="a temporary change already holds",
    )
    page = await client.get(f"/rebalance/jobs/{failed}")
    text = await page.text()
    assert page.status == 409
    assert "2026-11-25 至 2026-11-26 已有一项临时调整（x）" in text
    assert "a temporary change" not in text
    assert 'action="/rebalance/preview" class="stack compute">' in text
    assert 'value="2026-11-24"' in text  # the fields as typed, to change and preview again
    await add_user(arranged, "da-admin", "region:da")
    client.session.cookie_jar.clear()
    await signed_in(client, "da-admin")
    assert (await client.get(f"/rebalance/jobs/{failed}")).status == 404  # not theirs
