"""No-show alerts for admins: classroom not checked in, teacher not live, lesson reported failed.

Each alert's id names the lesson revision (and the classroom or report), so a check that runs
twice alerts once. Admins are reached through the admin channels of the schools and regions
a lesson touches (the teacher's and every receiving classroom's).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlmodel import col, select

from coordinator import models
from coordinator.notify import messages
from coordinator.notify.messages import AlertKind
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.audience_choices import classroom_region
from coordinator.services.notifications.outbox import (
    admin_routes,
    enqueue,
    outgoing,
    person_routes,
    personal_route,
)
from coordinator.services.notifications.reminders import (
    LessonContext,
    Notifier,
    PlannedJob,
    assistant_person,
    facts_of,
    lesson_context,
    load_lessons,
    time_zone_of_classroom,
)
from coordinator.services.streaming.callbacks import live_lessons
from coordinator.store import Store

log = logging.getLogger(__name__)
PERSON_CHANNELS = ("wecom", "dingtalk", "sms")


def scopes_of(directory: Directory, school_ids: set[str]) -> set[str]:
    """The schools and their regions: the admin channels that care."""
    regions = {directory.schools[s].region_id for s in school_ids if s in directory.schools}
    return school_ids | regions


def _lesson_schools(directory: Directory, context: LessonContext) -> set[str]:
    teacher = directory.teachers.get(context.lesson.teacher_id)
    rooms = {directory.classrooms[r].school_id for r in context.rooms if r in directory.classrooms}
    return rooms | ({teacher.school_id} if teacher else set())


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert about one lesson: what, its idempotent purpose, the classroom if one."""

    problem: AlertKind
    purpose: str
    room_id: str | None = None
    minutes: int = 0
    note: str = ""  # a problem code
    detail: str = ""  # the reporter's own words


def _where(
    directory: Directory, context: LessonContext, room_id: str | None
) -> tuple[str, str, set[str]]:
    """The time zone, the room's name and the schools an alert concerns."""
    lesson = context.lesson
    if room_id is None:
        rooms = "、".join(directory.owner_name_of_classroom(r) for r in context.rooms)
        return lesson.time_zone, rooms, _lesson_schools(directory, context)
    zone = time_zone_of_classroom(directory, room_id, lesson.time_zone)
    classroom = directory.classrooms.get(room_id)
    schools = {classroom.school_id} if classroom else set()
    return zone, directory.owner_name_of_classroom(room_id), schools


def alert_rows(
    alert: Alert,
    context: LessonContext,
    directory: Directory,
    notifier: Notifier,
    now: dt.datetime,
) -> list[models.NotificationRow]:
    """The alert's message for every admin channel of the schools and regions concerned."""
    settings = notifier.settings
    zone, room, schools = _where(directory, context, alert.room_id)
    regions = scopes_of(directory, schools) & set(directory.regions)
    if "admin" not in notifier.audience("alert", regions):
        return []
    message = messages.alert(
        facts_of(directory, context, settings.language),
        alert.problem,
        time_zone=zone,
        room=room,
        minutes=alert.minutes,
        note=alert.note,
        detail=alert.detail,
        language=settings.language,
    )
    scopes = scopes_of(directory, schools)
    own = [(a, personal_route(settings, a, "alert", now)) for a in notifier.admins_of(scopes)]
    # An admin both in `admin_contacts` and with contacts on their account is told once, on
    # their own channel: the settings' entries at any of their addresses are dropped.
    theirs = {(c, a.address_on(c)) for a, route in own if route for c in PERSON_CHANNELS}
    routes = [r for r in admin_routes(settings, scopes) if (r.channel, r.address) not in theirs]
    key = context.lesson.key
    rows = outgoing(alert.purpose, message, routes, recipient="admin", lesson_key=key, now=now)
    told: set[tuple[str, str]] = set()
    for admin, route in own:  # admins with contacts on their account, each address once
        if route is None or (route.channel, route.address) in told:
            continue
        told.add((route.channel, route.address))
        purpose = f"{alert.purpose}:{admin.recipient}"
        rows += outgoing(
            purpose, message, [route], recipient=admin.recipient, lesson_key=key, now=now
        )
    if not rows:
        log.warning("alert %s has no admin channel for %s", alert.purpose, sorted(scopes))
    return rows


def assistant_alert_rows(
    alert: Alert,
    context: LessonContext,
    directory: Directory,
    notifier: Notifier,
    now: dt.datetime,
) -> list[models.NotificationRow]:
    """The alert for the classroom's assistant, on their own channel (or robot mention)."""
    person = assistant_person(directory, alert.room_id or "")
    regions = classroom_region(directory, alert.room_id or "")
    if person is None or "assistant" not in notifier.audience("alert", regions):
        return []
    settings = notifier.settings
    zone, room, _ = _where(directory, context, alert.room_id)
    message = messages.alert(
        facts_of(directory, context, settings.language),
        alert.problem,
        time_zone=zone,
        room=room,
        minutes=alert.minutes,
        language=settings.language,
    )
    routes = person_routes(settings, person, "alert", now)
    purpose = f"{alert.purpose}:{person.recipient}"
    key = context.lesson.key
    return outgoing(purpose, message, routes, recipient=person.recipient, lesson_key=key, now=now)


async def _checked_in(store: Store, lesson_key: str) -> set[str]:
    query = select(models.AttendanceRow.classroom_id).where(
        col(models.AttendanceRow.lesson_key) == lesson_key,
        col(models.AttendanceRow.kind) == "check_in",
    )
    async with store.read() as session:
        return set((await session.exec(query)).all())


async def _no_checkin(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
    to_admins: bool,
) -> int:
    """Alert about every classroom of the lesson that has not checked in: to the admins, or
    (the first tier of an escalation) to the classroom's assistant."""
    context = await lesson_context(store, lesson_key, revision)
    if context is None:
        return 0
    checked_in = await _checked_in(store, lesson_key)
    settings = notifier.settings
    minutes = settings.classroom_checkin_alert_minutes
    minutes += settings.escalate_after_minutes if to_admins else 0
    rows: list[models.NotificationRow] = []
    for room in sorted(set(context.rooms) - checked_in):
        purpose = f"alert:no_checkin:{lesson_key}:{revision}:{room}"
        alert = Alert("no_checkin", purpose, room, minutes)
        if to_admins:
            rows += alert_rows(alert, context, directory, notifier, now)
        else:
            rows += assistant_alert_rows(alert, context, directory, notifier, now)
    return await enqueue(store, rows)


async def check_classrooms(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
) -> int:
    """Classrooms not checked in some minutes after the start: the admins are alerted, or,
    with an escalation delay, the assistant first."""
    to_admins = notifier.settings.escalate_after_minutes == 0
    return await _no_checkin(
        store,
        notifier,
        directory,
        lesson_key=lesson_key,
        revision=revision,
        now=now,
        to_admins=to_admins,
    )


async def escalate_classrooms(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
) -> int:
    """The second tier: classrooms still not checked in go to the admins."""
    return await _no_checkin(
        store,
        notifier,
        directory,
        lesson_key=lesson_key,
        revision=revision,
        now=now,
        to_admins=True,
    )


async def check_teacher_live(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
) -> int:
    """Alert when the network teacher is not streaming some minutes after the start."""
    context = await lesson_context(store, lesson_key, revision)
    if context is None:
        return 0
    async with store.read() as session:
        if lesson_key in await live_lessons(session, [lesson_key]):
            return 0
    minutes = notifier.settings.teacher_live_alert_minutes
    alert = Alert("not_live", f"alert:not_live:{lesson_key}:{revision}", None, minutes)
    return await enqueue(store, alert_rows(alert, context, directory, notifier, now))


async def _reported(store: Store, since: dt.datetime) -> list[tuple[str, Alert]]:
    """Lessons reported failed and problems reported since then, as alerts by lesson."""
    failed = select(models.AttendanceRow).where(
        col(models.AttendanceRow.kind) == "end_report",
        col(models.AttendanceRow.stream_quality) == "failed",
        col(models.AttendanceRow.received_at) >= since,
    )
    problems = select(models.ProblemReportRow).where(
        col(models.ProblemReportRow.received_at) >= since
    )
    async with store.read() as session:
        found = [
            (
                r.lesson_key,
                Alert(
                    "failed",
                    f"alert:failed:{r.lesson_key}:{r.classroom_id}",
                    r.classroom_id,
                    detail=r.note,
                ),
            )
            for r in (await session.exec(failed)).all()
        ]
        found += [
            (
                p.lesson_key,
                Alert(
                    "problem",
                    f"alert:problem:{p.id}",
                    p.classroom_id,
                    note=p.problem,
                    detail=p.note,
                ),
            )
            for p in (await session.exec(problems)).all()
        ]
    return found


async def scan_reports(
    store: Store, notifier: Notifier, directory: Directory, *, now: dt.datetime
) -> int:
    """Alert about lessons reported failed and problems reported, once each."""
    since = now - dt.timedelta(hours=notifier.settings.report_lookback_hours)
    reported = await _reported(store, since)
    keys = {key for key, _ in reported}
    lessons = await load_lessons(store, col(models.LessonRow.key).in_(keys))
    contexts = {context.lesson.key: context for context in lessons}
    rows: list[models.NotificationRow] = []
    for key, alert in reported:
        if key in contexts:
            rows += alert_rows(alert, contexts[key], directory, notifier, now)
    return await enqueue(store, rows)


def alert_jobs(
    lessons: list[LessonContext], notifier: Notifier, directory: Directory, now: dt.datetime
) -> list[PlannedJob]:
    """Check-in checks after the start; live checks where the provider reports publishing."""
    settings = notifier.settings
    grace = dt.timedelta(minutes=settings.misfire_grace_minutes)
    checkin = dt.timedelta(minutes=settings.classroom_checkin_alert_minutes)
    live = dt.timedelta(minutes=settings.teacher_live_alert_minutes)
    jobs = []
    for context in lessons:
        lesson = context.lesson
        teacher = directory.teachers.get(lesson.teacher_id)
        provider = notifier.streams.provider_name(teacher.school_id if teacher else None)
        if context.rooms:
            jobs.append(PlannedJob("checkin", lesson.key, lesson.revision, lesson.start + checkin))
        if context.rooms and settings.escalate_after_minutes:
            at = lesson.start + checkin + dt.timedelta(minutes=settings.escalate_after_minutes)
            jobs.append(PlannedJob("escalate", lesson.key, lesson.revision, at))
        if provider in settings.live_check_providers:
            jobs.append(PlannedJob("live", lesson.key, lesson.revision, lesson.start + live))
    return [job for job in jobs if job.run_at >= now - grace]
