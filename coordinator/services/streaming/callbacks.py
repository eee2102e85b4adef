"""The streaming server's callbacks: who may push or play now, and the record of who went live.

nginx-rtmp asks before every push (`on_publish`) and play (`on_play`) and tells when they end.
Only the lesson's own teacher key, or a receiving classroom's play token, inside the lesson's
window is accepted. Every callback, refused ones too, is recorded: the newest accepted publish
of a lesson without a later `publish_done` is the "teacher is live" signal.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import ConfigurationError
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.streaming.links import id_request
from coordinator.store import Store
from coordinator.streams import (
    LinkRequest,
    Reason,
    RtmpProvider,
    StreamsSettings,
    Verdict,
    build_provider,
)

log = logging.getLogger(__name__)

# Lessons this far outside their window are still found, so a late push is refused as
# "too_late" rather than "unknown_stream", and a push that outlasts its window still closes.
SEARCH_SLACK = dt.timedelta(hours=2)


def rtmp_provider(settings: StreamsSettings) -> RtmpProvider:
    if settings.rtmp is None:
        raise ConfigurationError("[streams.rtmp] is not configured: nginx callbacks are refused")
    provider = build_provider(settings, "rtmp")
    assert isinstance(provider, RtmpProvider)
    return provider


def _request(lesson: models.LessonRow, rooms: Iterable[str]) -> LinkRequest:
    return id_request(
        lesson_key=lesson.key,
        revision=lesson.link_revision,
        start=lesson.start,
        end=lesson.end,
        teacher_id=lesson.teacher_id,
        classroom_ids=list(rooms),
    )


async def _candidates(
    session: AsyncSession,
    now: dt.datetime,
    before: dt.timedelta,
    after: dt.timedelta,
) -> list[LinkRequest]:
    """Lessons whose window (widened by the margins) holds `now`."""
    query = select(models.LessonRow).where(
        col(models.LessonRow.start) <= now + before,
        col(models.LessonRow.end) >= now - after,
        col(models.LessonRow.status) != "cancelled",
    )
    lessons = list((await session.exec(query)).all())
    rooms = await classrooms_by_lesson(session, lessons)
    return [_request(lesson, rooms[lesson.key]) for lesson in lessons]


def _judge(
    provider: RtmpProvider,
    kind: str,
    name: str,
    form: Mapping[str, str],
    lesson: LinkRequest | None,
    now: dt.datetime,
) -> Verdict:
    if lesson is None:
        return Verdict(Reason.UNKNOWN_STREAM)
    if kind == "publish":
        return provider.verify_publish(name=name, key=form.get("key", ""), lesson=lesson, now=now)
    if kind == "play":
        return provider.verify_play(name=name, token=form.get("token", ""), lesson=lesson, now=now)
    return Verdict(Reason.OK, lesson.lesson_key)  # an end: the stream name alone identifies it


async def stream_callback(
    store: Store,
    settings: StreamsSettings,
    *,
    kind: str,
    form: Mapping[str, str],
    client_address: str,
    now: dt.datetime,
) -> Verdict:
    """Decide one nginx-rtmp callback and record it."""
    provider = rtmp_provider(settings)
    name = form.get("name", "")
    before = provider.settings.margin_before + SEARCH_SLACK
    after = provider.settings.margin_after + SEARCH_SLACK
    async with store.write() as session:
        candidates = await _candidates(session, now, before, after)
        lesson = provider.match_stream(name, candidates)
        verdict = _judge(provider, kind, name, form, lesson, now)
        session.add(
            models.StreamEventRow(
                lesson_key=verdict.lesson_key,
                kind=kind,
                participant_id=verdict.participant_id,
                accepted=verdict.ok,
                reason=verdict.reason.value,
                stream_name=name[:200],
                client_address=client_address,
                at=now,
            )
        )
    log.info(
        "stream %s %s from %s: %s",
        kind,
        verdict.lesson_key or "?",
        client_address,
        verdict.reason.value,
    )
    return verdict


async def live_lessons(session: AsyncSession, lesson_keys: Iterable[str]) -> set[str]:
    """The lessons whose network teacher is live now (an accepted publish, not yet done)."""
    query = (
        select(models.StreamEventRow)
        .where(
            col(models.StreamEventRow.lesson_key).in_(list(lesson_keys)),
            col(models.StreamEventRow.kind).in_(("publish", "publish_done")),
            col(models.StreamEventRow.accepted),
        )
        .order_by(col(models.StreamEventRow.at), col(models.StreamEventRow.id))
    )
    live: set[str] = set()
    for event in (await session.exec(query)).all():
        assert event.lesson_key is not None
        (live.add if event.kind == "publish" else live.discard)(event.lesson_key)
    return live
