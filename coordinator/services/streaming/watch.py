"""The watch page's lesson: what a classroom plays (HLS, FLV, a meeting) and whether it is on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.enums import NetworkProfile
from coordinator.errors import NotFoundError
from coordinator.services.data.directory import Directory
from coordinator.services.streaming.callbacks import live_lessons
from coordinator.services.streaming.links import links_of
from coordinator.services.streaming.meetings import platform_meetings
from coordinator.store import Store
from coordinator.streams import LessonLinks, LinkKind, StreamsSettings
from coordinator.streams.watch import WatchSigner, WatchTicket

PLAYABLE = (LinkKind.HLS, LinkKind.FLV, LinkKind.JOIN)


@dataclass(frozen=True, slots=True)
class WatchView:
    lesson_key: str
    classroom_id: str
    classroom_name: str
    subject_id: str
    teacher: str
    start: dt.datetime
    end: dt.datetime
    state: str  # not_started, live, interrupted, ended, cancelled; open (provider unobserved)
    sources: dict[str, str]  # link kind (hls, flv, join) -> url
    network: str  # the classroom's profile: good, weak, audio_only (audio first when not good)


def watch_path(signer: WatchSigner, links: LessonLinks | None, classroom_id: str) -> str:
    """The watch page for a classroom whose provider gives something playable, else ""."""
    if links is None or not _sources(links, classroom_id):
        return ""
    return signer.path(WatchTicket(links.lesson_key, classroom_id, links.valid_until))


def _sources(links: LessonLinks, classroom_id: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in links.for_classroom(classroom_id):
        if entry.kind in PLAYABLE:
            found.setdefault(entry.kind.value, entry.url)
    return found


async def watch_view(
    store: Store,
    directory: Directory,
    streams: StreamsSettings,
    ticket: WatchTicket,
    *,
    now: dt.datetime,
) -> WatchView:
    async with store.read() as session:
        lesson = await session.get(models.LessonRow, ticket.lesson_key)
        query = select(models.LessonClassroomRow.classroom_id).where(
            models.LessonClassroomRow.lesson_key == ticket.lesson_key
        )
        rooms = list((await session.exec(query)).all())
        live = ticket.lesson_key in await live_lessons(session, [ticket.lesson_key])
        published = await _ever_published(session, ticket.lesson_key)
        meeting = (await platform_meetings(session, [ticket.lesson_key])).get(ticket.lesson_key)
    if lesson is None or ticket.classroom_id not in rooms:
        raise NotFoundError(
            f"lesson {ticket.lesson_key!r} has no classroom {ticket.classroom_id!r}"
        )
    links = links_of(streams, lesson, rooms, directory, meeting)
    classroom = directory.classrooms.get(ticket.classroom_id)
    teacher = directory.teachers.get(lesson.teacher_id)
    return WatchView(
        lesson_key=lesson.key,
        classroom_id=ticket.classroom_id,
        classroom_name=classroom.name if classroom else ticket.classroom_id,
        subject_id=lesson.subject_id,
        teacher=teacher.name if teacher else lesson.teacher_id,
        start=lesson.start,
        end=lesson.end,
        state=_state(lesson, live=live, published=published, now=now, observed=_observed(links)),
        sources=_sources(links, ticket.classroom_id) if links else {},
        network=classroom.network.value if classroom else NetworkProfile.GOOD.value,
    )


def _observed(links: LessonLinks | None) -> bool:
    """Whether coordinator hears when the teacher goes live: its own nginx-rtmp calls back."""
    return links is not None and links.provider == "rtmp"


def _state(
    lesson: models.LessonRow, *, live: bool, published: bool, now: dt.datetime, observed: bool
) -> str:
    if lesson.status == "cancelled":
        return "cancelled"
    if live:
        return "live"
    if now >= lesson.end:
        return "ended"
    if not observed:  # a CDN or a meeting: nobody tells us; the page just tries to play
        return "open"
    return "interrupted" if published else "not_started"


async def _ever_published(session: AsyncSession, lesson_key: str) -> bool:
    query = select(models.StreamEventRow.id).where(
        models.StreamEventRow.lesson_key == lesson_key,
        models.StreamEventRow.kind == "publish",
        col(models.StreamEventRow.accepted),
    )
    return (await session.exec(query.limit(1))).first() is not None
