"""One lesson by hand: checked, stored, kept through re-publishing, in feeds, audited."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from coordinator import models
from coordinator.calendar.edits import EditKind
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import (
    AuditFilter,
    Scope,
    User,
    audit_entries,
    scope_of,
)
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.feeds.render import render_feed
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.lessons.edits import EditOutcome, EditRefused, EditRequest, edit_lesson
from coordinator.services.notifications.reminders import send_change_notices
from coordinator.services.planning.plans import save_plan
from coordinator.store import Store
from coordinator.timetable.plan import Session
from tests.notify.support import notifier
from tests.web.pages.support import PLAN, county, settings

NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)  # Sunday 10:00 in Shanghai
TODAY = dt.date(2026, 11, 22)
LATER = NOW + dt.timedelta(hours=1)
KEY = "wang-music-mon@2026-11-30"  # 王丽, music, Monday 10:10-10:50, 东村 三年级
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MIN40 = dt.timedelta(minutes=40)


def local(day: dt.date, clock: str) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.UTC)


def admin(scope: str = "region:xiao") -> Scope:
    kind, _, object_id = scope.partition(":")
    user = User(1, "admin", "admin", kind, object_id, "zh", 0)
    return scope_of(user, Directory.of(county()))


async def arrange(store: Store) -> None:
    await import_bundle(store, county(), source="test", now=NOW)
    async with store.write() as session:
        await save_plan(session, PLAN, kind="solve", now=NOW, seed=0, time_limit_s=0)
    await publish_lessons(store, now=NOW, today=TODAY)


async def edit(
    store: Store,
    kind: EditKind,
    key: str = KEY,
    *,
    now: dt.datetime = LATER,
    scope: Scope | None = None,
    date: dt.date | None = None,
    start: dt.time | None = None,
    teacher_id: str | None = None,
    note: str = "",
    confirmed: bool = False,
) -> EditOutcome:
    request = EditRequest(kind, key, date, start, teacher_id, note, confirmed)
    bundle = await load_bundle(store)
    return await edit_lesson(store, bundle, scope or admin(), request, actor="admin", now=now)


async def move(
    store: Store, key: str, day: dt.date, clock: str, *, note: str = "", confirmed: bool = False
) -> EditOutcome:
    start = dt.time.fromisoformat(clock)
    return await edit(
        store, EditKind.MOVE, key, date=day, start=start, note=note, confirmed=confirmed
    )


async def rebalance_to(store: Store, sessions: tuple[Session, ...]) -> None:
    """A rebalanced plan with these sessions, stored as the newest version (not published)."""
    async with store.write() as session:
        await save_plan(
            session,
            dataclasses.replace(PLAN, sessions=sessions),
            kind="rebalance",
            now=LATER,
            seed=0,
            time_limit_s=0,
            parent_id=1,
        )


async def lesson(store: Store, key: str = KEY) -> models.LessonRow:
    async with store.read() as session:
        row = await session.get(models.LessonRow, key)
    assert row is not None
    return row


async def edit_kinds(store: Store) -> list[str]:
    async with store.read() as session:
        found = (await session.exec(select(models.LessonEditRow))).all()
    return [row.kind for row in sorted(found, key=lambda row: row.id or 0)]


async def audit_actions(store: Store) -> list[str]:
    async with store.read() as session:
        return [row.action for row in (await session.exec(select(models.AuditRow))).all()]


async def feed_events(store: Store, owner: str) -> dict[str, dict[str, str]]:
    """UID -> STATUS, SEQUENCE, SUMMARY and DTSTART of every VEVENT of one feed."""
    directory = Directory.of(await load_bundle(store))
    rendered = await render_feed(
        store,
        directory,
        FeedOwner.parse(owner),
        "zh",
        now=LATER,
        today=TODAY,
        streams=settings().streams,
    )
    calendar = Calendar.from_ical(rendered.body)
    return {
        str(event["UID"]): {
            "status": str(event["STATUS"]),
            "sequence": str(event["SEQUENCE"]),
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART").astimezone(dt.UTC).isoformat(),
        }
        for event in calendar.walk("VEVENT")
    }


async def test_a_move_survives_publishing_again_and_an_unrelated_rebalance(store: Store) -> None:
    await arrange(store)
    await move(store, KEY, dt.date(2026, 12, 1), "10:10")
    moved = await lesson(store)
    again = await publish_lessons(store, now=LATER, today=TODAY)
    after_again = await lesson(store)
    chen_on_thursday = tuple(
        dataclasses.replace(s, weekday=4) if s.teacher_id == "t-chen" else s for s in PLAN.sessions
    )
    await rebalance_to(store, chen_on_thursday)
    rebalanced = await publish_lessons(store, now=LATER, today=TODAY)
    assert (moved.start, moved.end) == (local(dt.date(2026, 12, 1), "10:10"), moved.start + MIN40)
    assert (moved.date, moved.status, moved.revision) == (dt.date(2026, 12, 1), "moved", 1)
    assert (again.added, again.changed, again.cancelled) == ([], [], [])
    assert after_again.model_dump() == moved.model_dump()
    assert rebalanced.cancelled
    assert {key.split("@")[0] for key in rebalanced.cancelled + rebalanced.added} == {
        "chen-art-mon"
    }
    survived = await lesson(store)
    assert survived.model_dump(exclude={"version_id"}) == moved.model_dump(exclude={"version_id"})


async def test_a_later_timetable_in_the_way_of_a_moved_lesson_flags_both(store: Store) -> None:
    """An edit is checked when it is made; a plan published later may put another lesson
    where the moved one now is. The edit stays; both lessons carry the double booking."""
    await arrange(store)
    tuesday = dt.date(2026, 12, 1)
    await move(store, KEY, tuesday, "10:10")
    in_the_way = {  # 王丽's other lesson, and 陈老师's into the moved lesson's classroom
        "wang-music-west": ("c-west-3",),
        "chen-art-mon": ("c-east-3",),
    }
    sessions = tuple(
        dataclasses.replace(
            s,
            weekday=2,
            start=dt.time(10, 10),
            end=dt.time(10, 50),
            classroom_ids=in_the_way[s.id],
        )
        if s.id in in_the_way
        else s
        for s in PLAN.sessions
    )
    await rebalance_to(store, sessions)
    summary = await publish_lessons(store, now=LATER, today=TODAY)
    moved = await lesson(store)
    west = await lesson(store, "wang-music-west@2026-12-01")
    chen = await lesson(store, "chen-art-mon@2026-12-01")

    def clash(reason: str, party: str, other: str) -> dict[str, object]:
        return {
            "reason": reason,
            "party_id": party,
            "day_type": None,
            "day_name": "",
            "follows_weekday": None,
            "other_lesson": other,
        }

    assert (moved.start, moved.status) == (local(tuesday, "10:10"), "moved")  # the edit holds
    assert moved.conflicts == [
        clash("teacher_double_booked", "t-wang", west.key),
        clash("classroom_double_booked", "c-east-3", chen.key),
    ]
    assert west.conflicts == [clash("teacher_double_booked", "t-wang", KEY)]
    assert chen.conflicts == [clash("classroom_double_booked", "c-east-3", KEY)]
    assert summary.conflicts == 3
    await edit(store, EditKind.RESTORE, now=LATER + dt.timedelta(minutes=1))
    await publish_lessons(store, now=LATER, today=TODAY)
    assert [(await lesson(store, row.key)).conflicts for row in (west, chen)] == [[], []]


async def test_each_edit_bumps_the_revision_once_and_restore_goes_back_to_the_plan(
    store: Store,
) -> None:
    await arrange(store)
    planned = await lesson(store)
    revisions = []
    await move(store, KEY, dt.date(2026, 12, 1), "10:10")
    revisions.append((await lesson(store)).revision)
    await edit(store, EditKind.REASSIGN, teacher_id="t-chen")
    revisions.append((await lesson(store)).revision)
    await publish_lessons(store, now=LATER, today=TODAY)
    revisions.append((await lesson(store)).revision)
    await edit(store, EditKind.CANCEL, note="停电")
    revisions.append((await lesson(store)).revision)
    await edit(store, EditKind.RESTORE)
    restored = await lesson(store)
    summary = await publish_lessons(store, now=LATER, today=TODAY)
    assert revisions == [1, 2, 2, 3]
    assert restored.revision == 4
    assert (restored.start, restored.end, restored.teacher_id, restored.date) == (
        planned.start,
        planned.end,
        "t-wang",
        planned.date,
    )
    assert (restored.status, restored.cancelled_at) == ("moved", None)  # moved back
    assert (summary.changed, summary.cancelled) == ([], [])
    assert await edit_kinds(store) == ["move", "reassign", "cancel", "restore"]


async def test_a_cancelled_lesson_shows_cancelled_in_the_classrooms_feed(store: Store) -> None:
    await arrange(store)
    uid = f"{KEY}@coordinator"
    before = (await feed_events(store, "classroom:c-east-3"))[uid]
    await edit(store, EditKind.CANCEL, note="学校停电")
    await publish_lessons(store, now=LATER, today=TODAY)
    after = (await feed_events(store, "classroom:c-east-3"))[uid]
    assert (before["status"], before["sequence"]) == ("CONFIRMED", "0")
    assert (after["status"], after["sequence"]) == ("CANCELLED", "1")
    assert after["summary"].startswith("【已取消】")
    assert (await lesson(store)).cancelled_at == LATER


async def test_a_reassigned_lesson_leaves_one_teachers_feed_for_the_others(store: Store) -> None:
    await arrange(store)
    uid = f"{KEY}@coordinator"
    await edit(store, EditKind.REASSIGN, teacher_id="t-chen", note="王丽外出培训")
    wang = await feed_events(store, "teacher:t-wang")
    chen = await feed_events(store, "teacher:t-chen")
    assert uid not in wang
    assert (chen[uid]["sequence"], chen[uid]["status"]) == ("1", "CONFIRMED")
    assert chen[uid]["start"] == local(dt.date(2026, 11, 30), "10:10").isoformat()


async def test_a_lesson_moved_across_today_stays_put_when_publishing_later(store: Store) -> None:
    await arrange(store)
    later_key, earlier_key = "wang-music-mon@2026-11-23", KEY
    await move(store, later_key, dt.date(2026, 11, 27), "10:10")  # planned Mon, now on Fri
    await move(store, earlier_key, dt.date(2026, 11, 24), "10:10")  # planned 30th, now on 24th
    moved_later, moved_earlier = await lesson(store, later_key), await lesson(store, earlier_key)
    wednesday = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    summary = await publish_lessons(store, now=wednesday, today=dt.date(2026, 11, 25))
    assert (summary.added, summary.changed, summary.cancelled) == ([], [], [])
    assert (await lesson(store, later_key)).model_dump() == moved_later.model_dump()
    assert (await lesson(store, earlier_key)).model_dump() == moved_earlier.model_dump()
    assert (moved_later.date, moved_earlier.date) == (dt.date(2026, 11, 27), dt.date(2026, 11, 24))


async def test_a_refused_edit_stores_nothing(store: Store) -> None:
    await arrange(store)
    before = await lesson(store)
    with pytest.raises(EditRefused) as refused:
        await move(store, KEY, dt.date(2026, 11, 30), "09:10")  # 王丽's own school: 08:00-09:30
    async with store.read() as session:
        counter = await session.get(models.ChangeCounterRow, "feeds")
    assert [p.code for p in refused.value.check.errors] == ["teacher_busy"]
    assert not refused.value.needs_confirmation
    assert (await lesson(store)).model_dump() == before.model_dump()
    assert await edit_kinds(store) == []
    assert await audit_actions(store) == []
    assert counter is not None
    assert counter.changed_at == NOW


async def test_warnings_are_stored_only_once_the_admin_confirms_them(store: Store) -> None:
    await arrange(store)
    thursday = dt.date(2026, 12, 3)
    with pytest.raises(EditRefused) as unconfirmed:
        await move(store, KEY, thursday, "09:40")  # between two live periods of 东村
    stored_before = await edit_kinds(store)
    outcome = await move(store, KEY, thursday, "09:40", confirmed=True)
    assert unconfirmed.value.needs_confirmation
    assert [p.code for p in unconfirmed.value.check.warnings] == ["not_in_period"]
    assert stored_before == []
    assert [w["code"] for w in outcome.edit.warnings] == ["not_in_period"]
    assert outcome.lesson.start == local(thursday, "09:40")


async def test_edits_are_audited_for_the_admins_who_see_the_lesson(store: Store) -> None:
    await arrange(store)
    await move(store, KEY, dt.date(2026, 12, 1), "10:10", note="教研活动")
    wanted = AuditFilter(action="lesson.")
    county_admin = await audit_entries(store, admin(), region_admin=True, wanted=wanted)
    pair_admin = await audit_entries(
        store, admin("alliance:pair-1"), region_admin=False, wanted=wanted
    )
    far_admin = await audit_entries(store, admin("region:da"), region_admin=True, wanted=wanted)
    (entry,) = county_admin
    assert (entry.action, entry.object_kind, entry.object_id) == ("lesson.move", "lesson", KEY)
    assert entry.details["to"]["start"] == local(dt.date(2026, 12, 1), "10:10").isoformat()
    assert (entry.details["note"], entry.details["revision"]) == ("教研活动", 1)
    assert ([e.id for e in pair_admin], far_admin) == ([entry.id], [])


async def test_lessons_and_teachers_outside_the_admins_scope_are_not_found(store: Store) -> None:
    await arrange(store)
    only_wang = Scope(teachers=frozenset({"t-wang"}), classrooms=frozenset({"c-east-3"}))
    with pytest.raises(NotFoundError):
        await edit(store, EditKind.CANCEL, note="x", scope=admin("region:da"))
    with pytest.raises(EditRefused) as refused:
        await edit(store, EditKind.REASSIGN, teacher_id="t-chen", scope=only_wang)
    assert [p.code for p in refused.value.check.errors] == ["unknown_teacher"]


async def test_a_cancelled_lesson_can_be_made_up_by_moving_it_but_not_reassigned(
    store: Store,
) -> None:
    await arrange(store)
    await edit(store, EditKind.CANCEL, note="运动会")
    with pytest.raises(EditRefused) as refused:
        await edit(store, EditKind.REASSIGN, teacher_id="t-chen")
    with pytest.raises(EditRefused) as twice:
        await edit(store, EditKind.CANCEL, note="again")
    await move(store, KEY, dt.date(2026, 12, 3), "10:10")
    made_up = await lesson(store)
    assert [p.code for p in refused.value.check.errors] == ["cancelled"]
    assert [p.code for p in twice.value.check.errors] == ["already_cancelled"]
    assert (made_up.status, made_up.revision, made_up.cancelled_at) == ("moved", 2, None)


async def test_a_form_missing_its_part_is_refused_by_field(store: Store) -> None:
    await arrange(store)
    problems = []
    bundle = await load_bundle(store)
    for request in (
        EditRequest(EditKind.MOVE, KEY, date=dt.date(2026, 12, 1)),
        EditRequest(EditKind.REASSIGN, KEY),
        EditRequest(EditKind.CANCEL, KEY, note="  "),
        EditRequest(EditKind.RESTORE, KEY),
    ):
        with pytest.raises(EditRefused) as refused:
            await edit_lesson(store, bundle, admin(), request, actor="admin", now=LATER)
        problems += [(p.code, p.field) for p in refused.value.check.errors]
    assert problems == [
        ("missing_time", "date"),
        ("missing_teacher", "teacher"),
        ("missing_reason", "note"),
        ("not_edited", ""),
    ]


async def test_a_cancellation_close_to_the_start_goes_out_as_a_change_notice(
    store: Store,
) -> None:
    await arrange(store)
    tomorrow = "wang-music-mon@2026-11-23"
    await edit(store, EditKind.CANCEL, tomorrow, note="王丽生病")
    directory = Directory.of(await load_bundle(store))
    queued = await send_change_notices(store, notifier("http://127.0.0.1:9"), directory, now=LATER)
    async with store.read() as session:
        query = select(models.NotificationRow).where(col(models.NotificationRow.kind) == "change")
        notices = (await session.exec(query)).all()
    assert queued > 0
    assert {n.lesson_key for n in notices} == {tomorrow}
    assert all(":1:" in n.id for n in notices)  # the revision the cancellation made
