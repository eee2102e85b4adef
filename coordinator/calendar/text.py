"""Titles and descriptions of feed events, in Chinese by default and in English on request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coordinator.calendar.feed import Language
from coordinator.enums import EventKind

_ZH_DIGITS = "零一二三四五六七八九十"
_ZH_HIGH = {10: "高一", 11: "高二", 12: "高三"}
_EVENT_KIND: dict[Language, dict[EventKind, str]] = {
    "zh": {
        EventKind.TRAINING: "培训",
        EventKind.RESEARCH: "教研",
        EventKind.PARENT_CLASS: "家长课堂",
    },
    "en": {
        EventKind.TRAINING: "Training",
        EventKind.RESEARCH: "Teaching research",
        EventKind.PARENT_CLASS: "Parent class",
    },
}


@dataclass(frozen=True, slots=True)
class Room:
    """A receiving classroom as people name it, with its assistant (助教)."""

    school: str
    classroom: str
    assistant: str = ""
    phone: str = ""
    network: str = ""  # "weak" or "audio_only" when the room's network is not good


@dataclass(frozen=True, slots=True)
class EventText:
    """What a feed event says: title, description and the label of its link."""

    summary: str
    description: str
    link_label: str


def grade_name(grade: int, language: Language = "zh") -> str:
    """三年级 / 七年级 / 高一, or Grade 3."""
    if language == "en":
        return f"Grade {grade}"
    if grade in _ZH_HIGH:
        return _ZH_HIGH[grade]
    return f"{_ZH_DIGITS[grade]}年级" if 1 <= grade <= 9 else f"{grade}年级"


def grades_name(grades: int | Sequence[int], language: Language = "zh") -> str:
    """Every grade a broadcast reaches: 三、四年级 / 高一、高二 / Grades 3–4; one grade as above."""
    ordered = sorted({grades} if isinstance(grades, int) else set(grades)) or [0]
    if len(ordered) == 1:
        return grade_name(ordered[0], language)
    if language == "en":
        consecutive = ordered == list(range(ordered[0], ordered[-1] + 1))
        listed = f"{ordered[0]}–{ordered[-1]}" if consecutive else ", ".join(map(str, ordered))
        return f"Grades {listed}"
    if all(1 <= grade <= 9 for grade in ordered):
        return "、".join(_ZH_DIGITS[grade] for grade in ordered) + "年级"
    return "、".join(grade_name(grade, language) for grade in ordered)


def room_name(room: Room, language: Language = "zh") -> str:
    separator = ", " if language == "en" else " "
    return f"{room.school}{separator}{room.classroom}" if room.school else room.classroom


def teacher_lesson_text(
    *,
    subject: str,
    grade: int | Sequence[int],
    rooms: Sequence[Room],
    link: str,
    language: Language = "zh",
    note: str = "",
) -> EventText:
    """The network teacher's event: subject, grade, every receiving room with its assistant."""
    en = language == "en"
    grade_text = grades_name(grade, language)
    if len(rooms) == 1:
        target = room_name(rooms[0], language)
    else:
        target = f"{len(rooms)} classrooms" if en else f"{len(rooms)}个教室"
    summary = (
        f"Live: {subject}, {grade_text} → {target}"
        if en
        else (f"{subject}·{grade_text} 直播 → {target}")
    )
    heading = f"Receiving classrooms ({len(rooms)}):" if en else f"接收教室（{len(rooms)}个）："
    lines = [_field("Subject" if en else "科目", subject, en)]
    lines.append(_field("Grade" if en else "年级", grade_text, en))
    lines.append(heading)
    lines.extend(f"{n}. {_room_line(room, language)}" for n, room in enumerate(rooms, 1))
    label = "Stream link" if en else "直播链接"
    return EventText(summary, _finish(lines, label, link, note, en), label)


def classroom_lesson_text(
    *,
    subject: str,
    grade: int | Sequence[int],
    teacher: str,
    room: Room,
    link: str,
    teacher_phone: str = "",
    language: Language = "zh",
    note: str = "",
) -> EventText:
    """The classroom's and assistant's event, with the classroom's pull link."""
    en = language == "en"
    grade_text = grades_name(grade, language)
    if en:
        summary = f"{room.classroom}: {subject} live lesson ({teacher})"
    else:
        summary = f"{room.classroom}：{subject}直播课（{teacher}）"
    lines = [
        _field("Subject" if en else "科目", subject, en),
        _field("Grade" if en else "年级", grade_text, en),
        _field("Teacher" if en else "主讲教师", _person(teacher, teacher_phone), en),
        _field("Classroom" if en else "教室", room_name(room, language), en),
    ]
    if room.assistant:
        assistant = _person(room.assistant, room.phone)
        lines.append(_field("Assistant" if en else "助教", assistant, en))
    label = "Watch link" if en else "观看链接"
    return EventText(summary, _finish(lines, label, link, note, en), label)


def event_text(
    *, kind: EventKind, title: str, host: str = "", link: str = "", language: Language = "zh"
) -> EventText:
    """A training, 教研 or parent class event."""
    en = language == "en"
    kind_name = _EVENT_KIND[language][kind]
    summary = f"[{kind_name}] {title}" if en else f"【{kind_name}】{title}"
    lines = [_field("Type" if en else "类型", kind_name, en)]
    if host:
        lines.append(_field("Host" if en else "主持", host, en))
    label = "Meeting link" if en else "会议链接"
    return EventText(summary, _finish(lines, label, link, "", en), label)


_NETWORK: dict[Language, dict[str, str]] = {
    "zh": {"weak": "（网络差）", "audio_only": "（只能听声音）"},
    "en": {"weak": " (weak network)", "audio_only": " (sound only)"},
}


def _room_line(room: Room, language: Language) -> str:
    line = room_name(room, language) + _NETWORK[language].get(room.network, "")
    if not room.assistant:
        return line
    assistant = _person(room.assistant, room.phone)
    return f"{line} — assistant {assistant}" if language == "en" else f"{line}｜助教 {assistant}"


def _person(name: str, phone: str) -> str:
    return f"{name} {phone}" if phone else name


def _field(label: str, value: str, en: bool) -> str:
    return f"{label}: {value}" if en else f"{label}：{value}"


def _finish(lines: list[str], label: str, link: str, note: str, en: bool) -> str:
    if link:
        lines.append(_field(label, link, en))
    if note:
        lines.append(_field("Note" if en else "备注", note, en))
    return "\n".join(lines)
