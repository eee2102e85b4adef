"""The three kinds of report an assistant sends, read strictly from a JSON body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from coordinator.attendance.errors import ReportError

MAX_STUDENTS = 500
MAX_NOTE = 500
MAX_ID = 200
E = TypeVar("E", bound=StrEnum)
BODY_KEYS = frozenset({"lesson_key", "classroom_id", "kind", "device_time", "fields"})


class ReportKind(StrEnum):
    CHECK_IN = "check_in"  # the lesson started: the stream is up, N students present
    END_REPORT = "end_report"  # how it went: students, stream quality, did the teacher show
    PROBLEM = "problem"  # something is wrong, at any time

    @property
    def one_per_lesson(self) -> bool:
        """Check-ins and end reports exist once per lesson and classroom; problems pile up."""
        return self is not ReportKind.PROBLEM


class StreamQuality(StrEnum):
    GOOD = "good"
    POOR = "poor"
    FAILED = "failed"


class Problem(StrEnum):
    NO_SIGNAL = "no_signal"
    NO_TEACHER = "no_teacher"
    NO_POWER = "no_power"
    OTHER = "other"


REQUIRED = {
    ReportKind.CHECK_IN: ("stream_up", "students_present"),
    ReportKind.END_REPORT: ("students_present", "stream_quality", "teacher_showed"),
    ReportKind.PROBLEM: ("problem",),
}


@dataclass(frozen=True, slots=True)
class ReportFields:
    """What the assistant says; which fields are set depends on the kind."""

    students_present: int | None = None
    stream_up: bool | None = None
    stream_quality: StreamQuality | None = None
    teacher_showed: bool | None = None
    problem: Problem | None = None
    note: str = ""

    def as_json(self, kind: ReportKind) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in (*REQUIRED[kind], "note")}
        return {name: str(v) if isinstance(v, StrEnum) else v for name, v in values.items()}


@dataclass(frozen=True, slots=True)
class Report:
    lesson_key: str
    classroom_id: str
    kind: ReportKind
    device_time: dt.datetime  # aware, as the phone's clock said when the report was made
    fields: ReportFields

    @property
    def slot(self) -> tuple[str, str, str]:
        return (self.lesson_key, self.classroom_id, self.kind.value)


def parse_report(body: object) -> Report:
    """A report from a decoded JSON body, or a ReportError naming the first bad field."""
    if not isinstance(body, dict):
        raise ReportError("body", "must be a JSON object")
    unknown = sorted(set(body) - BODY_KEYS)
    if unknown:
        raise ReportError(unknown[0], f"unknown field; expected {', '.join(sorted(BODY_KEYS))}")
    kind = _choice(body, "kind", ReportKind)
    return Report(
        lesson_key=_identifier(body, "lesson_key"),
        classroom_id=_identifier(body, "classroom_id"),
        kind=kind,
        device_time=parse_device_time(body.get("device_time")),
        fields=_fields(body.get("fields"), kind),
    )


def parse_device_time(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ReportError("device_time", "required: ISO 8601 time with offset")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ReportError("device_time", f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ReportError("device_time", f"{value!r} has no UTC offset (write +08:00 or Z)")
    return moment


def _fields(value: object, kind: ReportKind) -> ReportFields:
    if not isinstance(value, dict):
        raise ReportError("fields", "required: a JSON object")
    allowed = {*REQUIRED[kind], "note"}
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ReportError(f"fields.{unknown[0]}", f"not a field of a {kind} report")
    for name in REQUIRED[kind]:
        if value.get(name) is None:
            raise ReportError(f"fields.{name}", f"required in a {kind} report")
    fields = ReportFields(
        students_present=_count(value, "students_present"),
        stream_up=_flag(value, "stream_up"),
        stream_quality=_optional_choice(value, "stream_quality", StreamQuality),
        teacher_showed=_flag(value, "teacher_showed"),
        problem=_optional_choice(value, "problem", Problem),
        note=_note(value),
    )
    if fields.problem is Problem.OTHER and not fields.note:
        raise ReportError("fields.note", "required when the problem is 'other'")
    return fields


def _identifier(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        raise ReportError(name, f"required: a non-empty string of at most {MAX_ID} characters")
    return value


def _choice(body: dict[str, Any], name: str, enum: type[E]) -> E:
    value = body.get(name)
    try:
        return enum(str(value))
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        where = name if name in BODY_KEYS else f"fields.{name}"
        raise ReportError(where, f"{value!r} is not one of {choices}") from None


def _optional_choice(body: dict[str, Any], name: str, enum: type[E]) -> E | None:
    return None if body.get(name) is None else _choice(body, name, enum)


def _count(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STUDENTS:
        raise ReportError(f"fields.{name}", f"must be a whole number from 0 to {MAX_STUDENTS}")
    return value


def _flag(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise ReportError(f"fields.{name}", "must be true or false")
    return value


def _note(body: dict[str, Any]) -> str:
    value = body.get("note", "")
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise ReportError("fields.note", f"must be text of at most {MAX_NOTE} characters")
    return value.strip()
