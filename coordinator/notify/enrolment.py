"""What an open course's teacher is told when a school joins or leaves it (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator.notify.messages import WEEKDAYS_ZH, Language, Message

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Joiner:
    """Who joined or left: a classroom, a school's teachers or a classroom's parents."""

    kind: str  # classroom | teachers | parents
    school: str  # the school's name
    room: str = ""  # the classroom's name (classroom, parents)

    def name(self, language: Language) -> str:
        if language == "en":
            place = f"{self.school} {self.room}".strip()
            return {
                "teachers": f"the teachers of {place}",
                "parents": f"the parents of {place}",
            }.get(self.kind, place)
        return {
            "teachers": f"{self.school}的教师",
            "parents": f"{self.school}{self.room}的家长",
        }.get(self.kind, f"{self.school}{self.room}")


def enrolment_notice(
    joiner: Joiner,
    *,
    joined: bool,
    subject: str,
    weekday: int,
    start: dt.time,
    end: dt.time,
    first: dt.date,
    language: Language,
) -> Message:
    """'北村小学三年级加入了您的公开课「音乐」（周二 09:10–09:50），11月24日起。'"""
    who, hours = joiner.name(language), f"{start:%H:%M}–{end:%H:%M}"
    if language == "en":
        when = f"{WEEKDAYS_EN[weekday - 1]} {hours}"
        verb = "joined" if joined else "left"
        title = f"[Open course] {who} {verb} {subject}"
        text = f"{who} {verb} your open course {subject} ({when}) from {first:%d %b %Y}."
    else:
        when = f"周{WEEKDAYS_ZH[weekday - 1]} {hours}"
        verb = "加入了" if joined else "退出了"
        title = f"【公开课{'新加入' if joined else '退出'}】{who}：{subject}"
        since = f"{first.month}月{first.day}日起" + ("" if joined else "不再上")
        text = f"{who}{verb}您的公开课「{subject}」（{when}），{since}。"
    data = {"kind": "enrolment", "joined": joined, "first": first.isoformat(), "sms_text": text}
    return Message("change", title, text, data)
