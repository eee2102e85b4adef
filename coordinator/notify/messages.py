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
class Before:
    """What people were last told of a lesson: its start and its teacher."""

    start: dt.datetime
    teacher: str


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


def moment(at: dt.datetime, time_zone: str, language: Language, *, dated: bool) -> str:
    """ "周二 09:10" (or "12月8日（周二）09:10" when `dated`); "Tue 09:10", "Tue 8 Dec 09:10"."""
    local = at.astimezone(ZoneInfo(time_zone))
    if language == "en":
        return f"{local:%a %d %b %H:%M}" if dated else f"{local:%a %H:%M}"
    weekday = f"周{WEEKDAYS_ZH[local.weekday()]}"
    day = f"{local.month}月{local.day}日（{weekday}）" if dated else weekday
    return f"{day}{'' if dated else ' '}{local:%H:%M}"


def what_changed(before: Before, facts: LessonFacts, time_zone: str, language: Language) -> str:
    """ "周二 09:10 → 周三 15:00，代课：韩雪": the time before and now, and a new teacher."""
    dated = abs((facts.start - before.start).days) >= 6
    then = moment(before.start, time_zone, language, dated=dated)
    now = moment(facts.start, time_zone, language, dated=dated)
    moved = f"{then} → {now}" if before.start != facts.start else ""
    substitute = facts.teacher if before.teacher and before.teacher != facts.teacher else ""
    if language == "en":
        parts = [moved, f"substitute: {substitute}" if substitute else ""]
        return ", ".join(part for part in parts if part)
    parts = [moved, f"代课：{substitute}" if substitute else ""]
    return "，".join(part for part in parts if part)


def _lines(
    facts: LessonFacts, time_zone: str, room: str, link: str, language: Language, page: str = ""
) -> str:
    zh = language == "zh"
    rows = [
        ("时间" if zh else "Time", when(facts, time_zone, language)),
        ("课程" if zh else "Subject", facts.subject),
        ("主讲" if zh else "Teacher", f"{facts.teacher} {facts.teacher_phone}".strip()),
        ("教室" if zh else "Classroom", room or "、".join(facts.rooms)),
        ("链接" if zh else "Link", link or ("（暂无）" if zh else "(none yet)")),
    ]
    if page:
        rows.append(("课程页" if zh else "Lesson page", page))
    separator = "：" if zh else ": "
    return "\n".join(f"{name}{separator}{value}" for name, value in rows)


def _data(kind: str, facts: LessonFacts, link: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "teacher": facts.teacher,
        "lesson_key": facts.key,
        "revision": facts.revision,
        "status": facts.status,
        "start": facts.start.isoformat(),
        "end": facts.end.isoformat(),
        "link": link,
        **extra,
    }


def reminder(
    facts: LessonFacts,
    *,
    time_zone: str,
    room: str,
    link: str,
    minutes: int,
    language: Language,
    page: str = "",
) -> Message:
    """N minutes before (or "now", never "in 0 minutes"): the teacher gets the teacher's
    link, a classroom its own."""
    start = facts.start.astimezone(ZoneInfo(time_zone))
    if language == "zh":
        soon = f"{minutes}分钟后上课" if minutes >= 1 else f"现在上课（{start:%H:%M}）"
        subject = f"【双师课堂】{soon}：{facts.subject}"
    else:
        soon = f"starts in {minutes} min" if minutes >= 1 else f"starts now ({start:%H:%M})"
        subject = f"[Dual-teacher Classroom] {facts.subject} {soon}"
    text = _lines(facts, time_zone, room, link, language, page)
    short = f"{moment(facts.start, time_zone, language, dated=True)} {room}".strip()
    data = _data("reminder", facts, link, room=room, page=page, sms_text=short)
    return Message("reminder", subject, text, data)


def change_notice(
    facts: LessonFacts,
    *,
    time_zone: str,
    room: str,
    link: str,
    language: Language,
    page: str = "",
    before: Before | None = None,
) -> Message:
    """A late change: cancelled, changed, or (revision 0) a lesson newly added to the week;
    with `before`, its first line says what changed ("周二 09:10 → 周三 15:00，代课：韩雪")."""
    cancelled, added = facts.status == "cancelled", facts.revision == 0
    if language == "zh":
        label = "已取消" if cancelled else "新增课程" if added else "课程变更"
        subject = f"【{label}】{facts.subject}"
    else:
        label = "Cancelled" if cancelled else "New lesson" if added else "Changed"
        subject = f"[{label}] {facts.subject}"
    text = _lines(facts, time_zone, room, "" if cancelled else link, language, page)
    changed = what_changed(before, facts, time_zone, language) if before and not cancelled else ""
    if changed:
        label = "变更：" if language == "zh" else "Change: "
        text = f"{label}{changed}\n{text}"
    short = changed or moment(facts.start, time_zone, language, dated=True)
    data = _data("change", facts, link, room=room, page=page, sms_text=short)
    return Message("change", subject, text, data)


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
