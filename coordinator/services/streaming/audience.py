"""Who receives a lesson now, and whether the teacher's push reached the streaming server.

A classroom counts as watching while its watch page says it plays (a heartbeat every
`HEARTBEAT_S`, kept one row per lesson and classroom) or while nginx-rtmp has an RTMP play of
it open (`on_play` without `on_play_done`). HLS segments are served by nginx without asking
coordinator, so the page's heartbeat is what is real for HLS here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.store import Store

HEARTBEAT_S = 20  # the watch page's "still playing", while the video plays
FRESH = dt.timedelta(seconds=3 * HEARTBEAT_S)  # two missed heartbeats: no longer watching


@dataclass(frozen=True, slots=True)
class PushSeen:
    """The newest push attempt the streaming server reported for a lesson."""

    at: dt.datetime
    accepted: bool
    reason: str  # ok, bad_key, too_early, too_late, unknown_stream, ...


async def note_watching(
    store: Store, *, lesson_key: str, classroom_id: str, now: dt.datetime
) -> None:
    """The classroom's watch page plays the lesson now."""
    table = models.WatchHeartbeatRow
    values = {"lesson_key": lesson_key, "classroom_id": classroom_id, "at": now}
    insert = (sqlite_insert if store.is_sqlite else postgresql_insert)(table).values(values)
    statement = insert.on_conflict_do_update(
        index_elements=["lesson_key", "classroom_id"], set_={"at": insert.excluded.at}
    )
    async with store.write() as session:
        await session.exec(statement)


async def watching_now(session: AsyncSession, lesson_key: str, *, now: dt.datetime) -> set[str]:
    """Classrooms playing the lesson now: a fresh heartbeat, or an RTMP play still open."""
    beats = select(models.WatchHeartbeatRow.classroom_id).where(
        models.WatchHeartbeatRow.lesson_key == lesson_key,
        col(models.WatchHeartbeatRow.at) >= now - FRESH,
    )
    found = set((await session.exec(beats)).all())
    return found | await _open_plays(session, lesson_key)


async def _open_plays(session: AsyncSession, lesson_key: str) -> set[str]:
    event = models.StreamEventRow
    query = (
        select(event.participant_id, event.kind)
        .where(
            event.lesson_key == lesson_key,
            col(event.kind).in_(("play", "play_done")),
            col(event.accepted),
        )
        .order_by(col(event.at), col(event.id))
    )
    playing: set[str] = set()
    for room, kind in (await session.exec(query)).all():
        if room:
            (playing.add if kind == "play" else playing.discard)(room)
    return playing


async def last_push(session: AsyncSession, lesson_key: str) -> PushSeen | None:
    """The newest publish the streaming server asked about, accepted or refused (and why)."""
    event = models.StreamEventRow
    query = (
        select(event)
        .where(event.lesson_key == lesson_key, event.kind == "publish")
        .order_by(col(event.at).desc(), col(event.id).desc())
        .limit(1)
    )
    row = (await session.exec(query)).first()
    return PushSeen(row.at, row.accepted, row.reason) if row else None
