"""Message texts: the reader's school clock, the link, Chinese and English, cancellations."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.notify import messages
from coordinator.notify.messages import LessonFacts

START = dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)
FACTS = LessonFacts(
    key="s-music@2026-11-23",
    revision=2,
    status="moved",
    subject="音乐",
    teacher="王丽",
    teacher_phone="13800000001",
    start=START,
    end=START + dt.timedelta(minutes=40),
    rooms=("东村小学 三年级（1）班", "西村教学点 三年级"),
)


def test_reminder_in_chinese_shows_beijing_time_and_the_link() -> None:
    message = messages.reminder(
        FACTS,
        time_zone="Asia/Shanghai",
        room="",
        link="https://m.example.cn/t",
        minutes=30,
        language="zh",
    )
    assert message.subject == "【双师课堂】30分钟后上课：音乐"
    assert message.text.splitlines() == [
        "时间：11月23日（周一）08:00–08:40",
        "课程：音乐",
        "主讲：王丽 13800000001",
        "教室：东村小学 三年级（1）班、西村教学点 三年级",
        "链接：https://m.example.cn/t",
    ]


def test_reminder_in_english_names_the_time_zone() -> None:
    message = messages.reminder(
        FACTS,
        time_zone="Asia/Shanghai",
        room="西村教学点 三年级",
        link="",
        minutes=30,
        language="en",
    )
    assert message.subject == "[Dual-teacher Classroom] 音乐 starts in 30 min"
    assert message.text.splitlines()[0] == "Time: Mon 23 Nov 2026 08:00–08:40 (Asia/Shanghai)"
    assert message.text.splitlines()[-1] == "Link: (none yet)"


def test_change_notice_of_a_cancelled_lesson_says_so_and_gives_no_link() -> None:
    cancelled = dataclasses.replace(FACTS, revision=3, status="cancelled")
    message = messages.change_notice(
        cancelled,
        time_zone="Asia/Shanghai",
        room="",
        link="https://m.example.cn/t",
        language="zh",
    )
    assert message.subject == "【已取消】音乐"
    assert "https://m.example.cn/t" not in message.text
    assert message.data["status"] == "cancelled"


def test_alert_subjects_name_the_room_or_teacher_and_the_delay() -> None:
    no_checkin = messages.alert(
        FACTS,
        "no_checkin",
        time_zone="Asia/Shanghai",
        room="西村教学点 三年级",
        minutes=10,
        language="zh",
    )
    not_live = messages.alert(
        FACTS, "not_live", time_zone="Asia/Shanghai", room="", minutes=5, language="zh"
    )
    problem = messages.alert(
        FACTS,
        "problem",
        time_zone="Asia/Shanghai",
        room="西村教学点 三年级",
        note="no_power",
        detail="全村停电",
        language="zh",
    )
    assert no_checkin.subject == "【未签到】西村教学点 三年级：音乐 开课10分钟仍未签到"
    assert not_live.subject == "【主讲未上线】王丽：音乐 开课5分钟仍未开始直播"
    assert problem.subject == "【问题上报】西村教学点 三年级：停电"
    assert problem.text.endswith("备注：全村停电")
