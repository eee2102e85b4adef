"""The teacher's go-live page: what OBS needs, whether the teacher is live, who receives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from coordinator import models
from coordinator.errors import NotFoundError
from coordinator.services.data.directory import Directory
from coordinator.services.streaming.audience import PushSeen, last_push, watching_now
from coordinator.services.streaming.callbacks import live_lessons
from coordinator.services.streaming.links import links_of
from coordinator.store import Store
from coordinator.streams import LessonLinks, LinkKind, StreamsSettings
from coordinator.streams.watch import WatchSigner, WatchTicket


@dataclass(frozen=True, slots=True)
class Receiver:
    classroom_id: str
    name: str
    network: str  # good, weak, audio_only


@dataclass(frozen=True, slots=True)
class GoLiveView:
    lesson_key: str
    subject_id: str
    teacher: str
    start: dt.datetime
    end: dt.datetime
    opens: dt.datetime  # the push is accepted from here to `closes`
    closes: dt.datetime
    open_now: bool
    server: str  # empty outside the window: the key is shown only when it works
    stream_key: str
    state: str  # waiting, live, closed
    watching: int  # classrooms whose watch page plays it, or with an RTMP play open
    receivers: tuple[Receiver, ...]
    push: PushSeen | None = None  # the newest push the server saw: the TEST button reads it


def go_live_path(signer: WatchSigner, links: LessonLinks | None) -> str:
    """The teacher's signed page for a lesson whose provider takes a push, else ""."""
    if links is None or not any(link.kind is LinkKind.PUSH for link in links.teacher):
        return ""
    return signer.path(WatchTicket(links.lesson_key, "", links.valid_until))


async def go_live_view(
    store: Store,
    directory: Directory,
    streams: StreamsSettings,
    ticket: WatchTicket,
    *,
    now: dt.datetime,
) -> GoLiveView:
    async with store.read() as session:
        lesson = await session.get(models.LessonRow, ticket.lesson_key)
        query = select(models.LessonClassroomRow.classroom_id).where(
            models.LessonClassroomRow.lesson_key == ticket.lesson_key
        )
        rooms = sorted((await session.exec(query)).all())
        live = ticket.lesson_key in await live_lessons(session, [ticket.lesson_key])
        watching = await watching_now(session, ticket.lesson_key, now=now)
        pushed = await last_push(session, ticket.lesson_key)
    links = links_of(streams, lesson, rooms, directory) if lesson else None
    push = (
        next((link for link in links.teacher if link.kind is LinkKind.PUSH), None)
        if links
        else None
    )
    if lesson is None or links is None or push is None:
        raise NotFoundError(f"lesson {ticket.lesson_key!r}: no stream to push (cancelled?)")
    open_now = links.valid_from <= now < links.valid_until
    teacher = directory.teachers.get(lesson.teacher_id)
    return GoLiveView(
        lesson_key=lesson.key,
        subject_id=lesson.subject_id,
        teacher=teacher.name if teacher else lesson.teacher_id,
        start=lesson.start,
        end=lesson.end,
        opens=links.valid_from,
        closes=links.valid_until,
        open_now=open_now,
        server=(push.server or "") if open_now else "",
        stream_key=(push.stream_key or push.url) if open_now else "",
        state="live" if live else ("waiting" if open_now else "closed"),
        watching=len(watching & set(rooms)),
        receivers=tuple(_receiver(directory, room) for room in rooms),
        push=pushed,
    )


def _receiver(directory: Directory, room: str) -> Receiver:
    classroom = directory.classrooms.get(room)
    if classroom is None:
        return Receiver(room, room, "good")
    return Receiver(room, classroom.name, classroom.network.value)
