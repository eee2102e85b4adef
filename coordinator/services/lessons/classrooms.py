"""The classrooms that receive each of some stored lessons (the `lesson_classroom` rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models


async def classrooms_by_lesson(
    session: AsyncSession, lessons: Iterable[models.LessonRow]
) -> defaultdict[str, list[str]]:
    """Lesson key -> its classroom ids, sorted, in one query (a lesson without any: [])."""
    keys = [lesson.key for lesson in lessons]
    rooms: defaultdict[str, list[str]] = defaultdict(list)
    if not keys:
        return rooms
    links = select(models.LessonClassroomRow).where(
        col(models.LessonClassroomRow.lesson_key).in_(keys)
    )
    for link in (await session.exec(links)).all():
        rooms[link.lesson_key].append(link.classroom_id)
    for classroom_ids in rooms.values():
        classroom_ids.sort()
    return rooms
