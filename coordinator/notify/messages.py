"""Message texts in Chinese or English: reminders, change notices and no-show alerts (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from coordinator.settings.notifications import MessageKind

Language = Literal["zh", "en"]
Audience = Literal["teacher", "classroom"]
AlertKind = Literal["no_checkin", "not_live", "failed", "problem"]
WEEKDAYS_ZH = "一二三四五六日"
PROBLEMS_ZH = {"no_signal": "没有信号", "no_teacher": "主讲未出现", "no_power": "停电"}
ALERT_ZH: dict[AlertKind, str] = {
    "no_checkin": "【未签到】{room}：{subject} 开课{minutes}分钟仍未签到",
    "not_live": "【主讲未上线】{teacher}：{subject} 开课{minutes}分钟仍未开始直播",
    "failed": "【课堂失败】{room}：{subject} 报告直播失败",
    "problem": "【问题上报】{room}：{problem}",
}
ALERT_EN: dict[AlertKind, str] = {
    "no_checkin": "[Not checked in] {room}: {subject}, {minutes} min after the start",
    "not_live": "[Teacher not live] {teacher}: {subject}, {minutes} min after the start",
    "failed": "[Lesson failed] {room}: {subject} reported as failed",
    "problem": "[Problem] {room}: {problem}",
}


@dataclass(frozen=True, slots=True)
class LessonFacts:
    """What people need to know about a lesson, already resolved to names."""

    key: str
    revision: int
    status: str
    subject: str
    teacher: str
    teacher_phone: str
    start: dt.datetime
    end: dt.datetime
    rooms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Message:
    kind: MessageKind
    subject: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def when(facts: LessonFacts, time_zone: str, language: Language) -> str:
    """The lesson's date and time in the reader's school clock."""
    zone = ZoneInfo(time_zone)
    start, end = facts.start.astimezone(zone), facts.end.astimezone(zone)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    if language == "en":
        return f"{start:%a %d %b %Y} {hours} ({time_zone})"
    return f"{start.month}月{start.day}日（周{WEEKDAYS_ZH[start.weekday()]}）{hours}"


def _lines(facts: LessonFacts, time_zone: str, room: str, link: str, language: Language) -> str:
    zh = language == "zh"
    rows = [
        ("时间" if zh else "Time", when(facts, time_zone, language)),
        ("课程" if zh else "Subject", facts.subject),
        ("主讲" if zh else "Teacher", f"{facts.teacher} {facts.teacher_phone}".strip()),
        ("教室" if zh else "Classroom", room or "、".join(facts.rooms)),
        ("链接" if zh else "Link", link or ("（暂无）" if zh else "(none yet)")),
    ]
    separator = "：" if zh else ": "
    return "\n".join(f"{name}{separator}{value}" for name, value in rows)


def _data(kind: str, facts: LessonFacts, link: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "lesson_key": facts.key,
        "revision": facts.revision,
        "status": facts.status,
        "start": facts.start.isoformat(),
        "end": facts.end.isoformat(),
        "link": link,
        **extra,
    }


def reminder(
    facts: LessonFacts, *, time_zone: str, room: str, link: str, minutes: int, language: Language
) -> Message:
    """N minutes before: the teacher gets the teacher's link, a classroom its own."""
    if language == "zh":
        subject = f"【双师课堂】{minutes}分钟后上课：{facts.subject}"
    else:
        subject = f"[Live lesson] {facts.subject} starts in {minutes} min"
    text = _lines(facts, time_zone, room, link, language)
    return Message("reminder", subject, text, _data("reminder", facts, link, room=room))


def change_notice(
    facts: LessonFacts, *, time_zone: str, room: str, link: str, language: Language
) -> Message:
    """A late change: cancelled, changed, or (revision 0) a lesson newly added to the week."""
    cancelled, added = facts.status == "cancelled", facts.revision == 0
    if language == "zh":
        label = "已取消" if cancelled else "新增课程" if added else "课程变更"
        subject = f"【{label}】{facts.subject}"
    else:
        label = "Cancelled" if cancelled else "New lesson" if added else "Changed"
        subject = f"[{label}] {facts.subject}"
    text = _lines(facts, time_zone, room, "" if cancelled else link, language)
    return Message("change", subject, text, _data("change", facts, link, room=room))


def alert(
    facts: LessonFacts,
    problem: AlertKind,
    *,
    time_zone: str,
    room: str,
    minutes: int = 0,
    note: str = "",
    detail: str = "",
    language: Language,
) -> Message:
    """A no-show or failure for the admins; `note` a problem code, `detail` the reporter's words."""
    template = (ALERT_ZH if language == "zh" else ALERT_EN)[problem]
    reported = PROBLEMS_ZH.get(note, note) if language == "zh" else note
    subject = template.format(
        room=room, subject=facts.subject, teacher=facts.teacher, minutes=minutes, problem=reported
    )
    text = _lines(facts, time_zone, room, "", language)
    if detail:
        text += f"\n{'备注：' if language == 'zh' else 'Note: '}{detail}"
    data = _data("alert", facts, "", alert=problem, room=room, note=note, detail=detail)
    return Message("alert", subject, text, data)
