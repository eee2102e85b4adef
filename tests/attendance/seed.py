"""A store with the small county, two dated lessons and a token per assistant, for check-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator import models
from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.factories import small_bundle

BEIJING = dt.timezone(dt.timedelta(hours=8))
MUSIC_START = dt.datetime(2026, 11, 23, 9, 10, tzinfo=BEIJING)  # a Monday
ART_START = dt.datetime(2026, 11, 23, 10, 10, tzinfo=BEIJING)
MUSIC = "s-music@2026-11-23"  # c-east-3 (李老师) and c-west-3 (赵老师)
ART = "s-art@2026-11-23"  # c-east-4 (李老师)
NOW = MUSIC_START.astimezone(dt.UTC) + dt.timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Seeded:
    li: str  # 李老师's token: classrooms c-east-3 and c-east-4 (东村小学)
    zhao: str  # 赵老师's token: classroom c-west-3 (西村教学点)


class Clock:
    """A settable clock for the check-in writer."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += dt.timedelta(**span)


def lesson(
    key: str, teacher: str, subject: str, start: dt.datetime, minutes: int = 40
) -> models.LessonRow:
    return models.LessonRow(
        key=key,
        uid=f"{key}@test",
        session_key=key.split("@")[0],
        date=start.date(),
        teacher_id=teacher,
        subject_id=subject,
        start=start.astimezone(dt.UTC),
        end=(start + dt.timedelta(minutes=minutes)).astimezone(dt.UTC),
        time_zone="Asia/Shanghai",
        status="scheduled",
        fingerprint="0" * 32,
        changed_at=NOW - dt.timedelta(days=7),
    )


async def seed(store: Store) -> Seeded:
    await import_bundle(store, small_bundle(), source="test", now=NOW - dt.timedelta(days=7))
    async with store.write() as session:
        session.add(lesson(MUSIC, "t-wang", "music", MUSIC_START))
        session.add(lesson(ART, "t-chen", "art", ART_START))
        await session.flush()
        for key, rooms in ((MUSIC, ("c-east-3", "c-west-3")), (ART, ("c-east-4",))):
            for room in rooms:
                session.add(models.LessonClassroomRow(lesson_key=key, classroom_id=room))
    li = await issue_token(store, assistant_id="a-li", now=NOW - dt.timedelta(days=1))
    zhao = await issue_token(store, assistant_id="a-zhao", now=NOW - dt.timedelta(days=1))
    return Seeded(li=li.token, zhao=zhao.token)
