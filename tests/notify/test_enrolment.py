"""The open-course notice a teacher reads, in Chinese and English."""

from __future__ import annotations

import datetime as dt

from coordinator.notify.enrolment import Joiner, enrolment_notice


def test_a_parent_class_join_in_english_names_the_parents_and_the_date() -> None:
    message = enrolment_notice(
        Joiner("parents", "北村小学", "三年级"),
        joined=True,
        subject="Music",
        first=dt.date(2026, 11, 24),
        language="en",
        weekday=2,
        start=dt.time(9, 10),
        end=dt.time(9, 50),
    )
    assert message.kind == "change"
    assert message.subject == "[Open course] the parents of 北村小学 三年级 joined Music"
    assert message.text == (
        "the parents of 北村小学 三年级 joined your open course Music (Tue 09:10–09:50) "
        "from 24 Nov 2026."
    )


def test_a_leave_in_chinese_says_from_when_no_longer() -> None:
    message = enrolment_notice(
        Joiner("classroom", "北村小学", "三年级"),
        joined=False,
        subject="音乐",
        first=dt.date(2026, 12, 8),
        language="zh",
        weekday=2,
        start=dt.time(9, 10),
        end=dt.time(9, 50),
    )
    assert message.subject == "【公开课退出】北村小学三年级：音乐"
    assert message.data["sms_text"] == message.text
    assert message.text.endswith("12月8日起不再上。")
