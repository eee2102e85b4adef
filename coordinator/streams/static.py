"""A fixed meeting room: links from URL templates, for schools that always use the same room.

Templates may use {lesson}, {revision}, {teacher} and {classroom} (ids, URL-quoted); the
teacher's link has an empty {classroom}. Nothing is signed: the room's own settings protect it.
"""

from __future__ import annotations

import string
from typing import ClassVar
from urllib.parse import quote

from pydantic import field_validator

from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    ProviderSettings,
)

PLACEHOLDERS = frozenset({"lesson", "revision", "teacher", "classroom"})


class StaticSettings(ProviderSettings):
    """`[streams.static]`: e.g. teacher_url = "https://meeting.example.cn/j/8801234567"."""

    teacher_url: str
    classroom_url: str | None = None  # default: teacher_url

    @field_validator("teacher_url", "classroom_url")
    @classmethod
    def _known_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return value
        for _, field, spec, conversion in string.Formatter().parse(value):
            if field is not None and (field not in PLACEHOLDERS or spec or conversion):
                raise ValueError(
                    f"URL template {value!r}: {{{field}}} is not one of {sorted(PLACEHOLDERS)}"
                )
        return value


class StaticProvider:
    name: ClassVar[str] = "static"

    def __init__(self, settings: StaticSettings) -> None:
        self.settings = settings

    @staticmethod
    def _fill(template: str, request: LinkRequest, classroom: str) -> str:
        values = {
            "lesson": request.lesson_key,
            "revision": str(request.revision),
            "teacher": request.teacher.id,
            "classroom": classroom,
        }
        return template.format_map({name: quote(text, safe="") for name, text in values.items()})

    def links(self, request: LinkRequest) -> LessonLinks:
        window = self.settings.window(request)
        teacher_url = self.settings.teacher_url
        classroom_url = self.settings.classroom_url or teacher_url
        classrooms = tuple(
            ClassroomLinks(
                room.id, (Link(LinkKind.JOIN, self._fill(classroom_url, request, room.id)),)
            )
            for room in request.classrooms
        )
        return LessonLinks(
            provider=self.name,
            lesson_key=request.lesson_key,
            revision=request.revision,
            room=self._fill(teacher_url, request, ""),
            valid_from=window.valid_from,
            valid_until=window.valid_until,
            teacher=(Link(LinkKind.JOIN, self._fill(teacher_url, request, "")),),
            classrooms=classrooms,
        )
