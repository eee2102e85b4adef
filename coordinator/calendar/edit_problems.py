"""What stands against a hand edit: errors and warnings, in English and Chinese, with times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias
from zoneinfo import ZoneInfo

from coordinator.calendar.school import DayType, SchoolDay

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# code: (English, Chinese); placeholders are filled per language.
TEXTS: dict[str, tuple[str, str]] = {
    "started": (
        "This lesson started at {when}: a lesson that has begun can no longer be changed.",
        "这节课已于{when}开始，已开始的课不能再调整。",
    ),
    "cancelled": (
        "This lesson is cancelled: move it to a new time or restore it first.",
        "这节课已取消：请先把它调到新时间，或恢复课表。",
    ),
    "already_cancelled": ("This lesson is already cancelled.", "这节课已经取消。"),
    "not_in_timetable": (
        "The timetable no longer holds this lesson, so it stays cancelled.",
        "课表中已没有这节课，它保持取消。",
    ),
    "not_edited": (
        "This lesson follows the timetable already: there is nothing to restore.",
        "这节课本来就按课表进行，无需恢复。",
    ),
    "unchanged": (
        "Nothing changes: the lesson is already at {when} with {teacher}.",
        "没有变化：这节课已经是{when}，由{teacher}授课。",
    ),
    "missing_time": ("Give the new date and start time.", "请填写新的日期和开始时间。"),
    "missing_teacher": ("Choose a network teacher.", "请选择主讲教师。"),
    "missing_reason": ("Give a reason for the cancellation.", "请填写取消的原因。"),
    "in_past": ("The new time {when} is in the past.", "新时间{when}已经过去。"),
    "classroom_no_school": (
        "{room} has no school on {date}: {day}.",
        "{room}在{date}不上课：{day}。",
    ),
    "classroom_exam": (
        "{room} has exams on {date} ({day}): no live lessons that day.",
        "{room}在{date}考试（{day}），当天不上直播课。",
    ),
    "no_periods": (
        "{room}'s bell schedule has no periods on {date}.",
        "{room}的作息时间表在{date}没有课节。",
    ),
    "outside_school_day": (
        "{time} is outside {room}'s school day on {date} ({first}–{last}).",
        "{time}不在{room}{date}的在校时间内（{first}–{last}）。",
    ),
    "not_in_period": (
        "{time} does not fit one of {room}'s live periods on {date} ({periods}).",
        "{time}没有落在{room}{date}的直播课节内（{periods}）。",
    ),
    "teacher_no_school": (
        "{teacher}'s school {school} has no school on {date} ({day}); the lesson can still go "
        "ahead if {teacher} agrees.",
        "{teacher}所在的{school}在{date}不上课（{day}）；如{teacher}同意，直播课仍可进行。",
    ),
    "teacher_exam": (
        "{teacher}'s school {school} has exams on {date} ({day}).",
        "{teacher}所在的{school}在{date}考试（{day}）。",
    ),
    "teacher_busy": (
        "{teacher} has their own school's lessons {first}–{last} on {date}{note}.",
        "{teacher}在{date} {first}–{last}有本校的课{note}。",
    ),
    "teacher_lesson": (
        "{teacher} already teaches {subject} to {rooms} at {when}.",
        "{teacher}在{when}已有{subject}课（{rooms}）。",
    ),
    "classroom_lesson": (
        "{room} already has {subject} with {teacher} at {when}.",
        "{room}在{when}已有{teacher}的{subject}课。",
    ),
    "unknown_teacher": (
        "There is no network teacher {teacher} in the current data.",
        "当前数据中没有主讲教师{teacher}。",
    ),
    "same_teacher": ("{teacher} already teaches this lesson.", "这节课本来就由{teacher}授课。"),
    "not_subject": ("{teacher} does not teach {subject}.", "{teacher}不教{subject}。"),
    "not_grade": (
        "{teacher} does not teach grade {grade} ({room}).",
        "{teacher}不教{grade}年级（{room}）。",
    ),
    "day_max": (
        "{teacher} would give {count} live lessons on {date}, more than their {limit} a day.",
        "{teacher}在{date}将有{count}节直播课，超过每天{limit}节的上限。",
    ),
    "week_max": (
        "{teacher} would give {count} live lessons in the week of {date}, more than their "
        "{limit} a week.",
        "{teacher}在{date}所在的一周将有{count}节直播课，超过每周{limit}节的上限。",
    ),
}

DAY_TYPES: dict[DayType, tuple[str, str]] = {
    DayType.OUT_OF_TERM: ("out of term", "不在学期内"),
    DayType.HOLIDAY: ("a holiday", "放假"),
    DayType.CLOSURE: ("closed", "停课"),
    DayType.EXAM: ("exam day", "考试日"),
    DayType.MAKEUP: ("a make-up day", "调休上课日"),
    DayType.ORDINARY: ("a school day", "上课日"),
}


@dataclass(frozen=True, slots=True)
class Both:
    """A value that reads differently in English and in Chinese (a subject, a date)."""

    en: str
    zh: str


Param: TypeAlias = str | int | Both


def render(code: str, params: dict[str, Param]) -> tuple[str, str]:
    """The message of `code` in English and in Chinese."""
    english, chinese = TEXTS[code]
    en = {k: v.en if isinstance(v, Both) else v for k, v in params.items()}
    zh = {k: v.zh if isinstance(v, Both) else v for k, v in params.items()}
    return english.format(**en), chinese.format(**zh)


def hhmm(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


def date_text(day: dt.date) -> Both:
    """E.g. Tue 2026-11-24 / 2026-11-24（周二）."""
    weekday = day.weekday()
    return Both(
        f"{WEEKDAYS_EN[weekday]} {day.isoformat()}", f"{day.isoformat()}（{WEEKDAYS_ZH[weekday]}）"
    )


def when_text(start: dt.datetime, end: dt.datetime, time_zone: str) -> Both:
    """A lesson's date and clock times in `time_zone`."""
    zone = ZoneInfo(time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = date_text(local_start.date())
    span = f"{hhmm(local_start)}–{hhmm(local_end)}"
    return Both(f"{day.en} {span}", f"{day.zh}{span}")


def day_text(day: SchoolDay) -> Both:
    """What a school day is, by its calendar name if it has one (国庆节)."""
    english, chinese = DAY_TYPES[day.type]
    if day.name:
        return Both(f"{day.name}, {english}", f"{day.name}，{chinese}")
    return Both(english, chinese)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class EditProblem:
    """One reason against an edit; `field` is the form field it is about ("" for the lesson)."""

    code: str
    severity: Severity
    field: str
    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_zh

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "text_en": self.text_en, "text_zh": self.text_zh}


@dataclass(frozen=True, slots=True)
class EditCheck:
    problems: tuple[EditProblem, ...] = ()

    @property
    def errors(self) -> tuple[EditProblem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[EditProblem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def problem(code: str, severity: Severity, field: str, **params: Param) -> EditProblem:
    english, chinese = render(code, params)
    return EditProblem(code, severity, field, english, chinese)


def error(code: str, field: str, **params: Param) -> EditProblem:
    return problem(code, Severity.ERROR, field, **params)


def warning(code: str, field: str, **params: Param) -> EditProblem:
    return problem(code, Severity.WARNING, field, **params)
