"""What a person reads as a lesson's link, and the safe choice when no page can be signed.

Feeds, reminders, change notices and the teacher's week link through `PageLinks`; the app and
the worker give the signed go-live and watch pages (`teacher_links.signed_pages`). Without the
server's secret (`JOIN_ONLY`) only a meeting's join link is given: a raw push URL with its key,
or a bare HLS playlist, never reaches a message, a calendar or a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coordinator.services.streaming.links import classroom_url, teacher_url
from coordinator.streams import LessonLinks, LinkKind

TeacherLink = Callable[[LessonLinks | None], str]
ClassroomLink = Callable[[LessonLinks | None, str], str]


def teacher_join_link(links: LessonLinks | None) -> str:
    """The teacher's link when it is a meeting's join link, else "" (never a push URL)."""
    if links is None or not links.teacher or links.teacher[0].kind is not LinkKind.JOIN:
        return ""
    return teacher_url(links)


def classroom_join_link(links: LessonLinks | None, classroom_id: str) -> str:
    """The classroom's link when it is a meeting's join link, else "" (no bare stream)."""
    if links is None:
        return ""
    own = [entry.links for entry in links.classrooms if entry.classroom_id == classroom_id]
    joins = bool(own and own[0] and own[0][0].kind is LinkKind.JOIN)
    return classroom_url(links, classroom_id) if joins else ""


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The link a lesson's teacher and each classroom's assistant read."""

    teacher: TeacherLink
    classroom: ClassroomLink


JOIN_ONLY = PageLinks(teacher_join_link, classroom_join_link)
