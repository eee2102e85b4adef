"""The Bundle that tests/data/bundles/small reads to, spelled out."""

from __future__ import annotations

import datetime as dt

from coordinator import domain
from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)


def periods(
    schedule: str, weekdays: tuple[int, ...], period: int, start: str, end: str, *, live: bool
) -> tuple[domain.BellPeriod, ...]:
    return tuple(
        domain.BellPeriod(
            schedule, day, period, dt.time.fromisoformat(start), dt.time.fromisoformat(end), live
        )
        for day in weekdays
    )


WEEK = (1, 2, 3, 4, 5)

SMALL_BUNDLE = domain.Bundle(
    name="Small test county",
    anchor_date=dt.date(2026, 11, 16),
    regions=(domain.Region("qingshan", "青山县"),),
    schools=(
        domain.School("u-shiyan", "城关实验小学", SchoolKind.URBAN, "qingshan", "urban-primary"),
        domain.School("r-hexi", "河西村小学", SchoolKind.RURAL, "qingshan", "rural-primary"),
        domain.School("r-shanbei", "山北教学点", SchoolKind.RURAL, "qingshan", "rural-primary"),
    ),
    alliances=(
        domain.Alliance("pair-shiyan", "实验小学结对帮扶", AllianceKind.PAIRING, "u-shiyan"),
    ),
    alliance_members=(
        domain.AllianceMember("pair-shiyan", "r-hexi", 2),
        domain.AllianceMember("pair-shiyan", "r-shanbei", 1),
    ),
    bell_schedules=(
        domain.BellSchedule("urban-primary", "城区小学作息（40分钟）"),
        domain.BellSchedule("rural-primary", "乡村小学作息（40分钟）"),
    ),
    bell_periods=(
        *periods("urban-primary", WEEK, 1, "08:00", "08:40", live=True),
        *periods("urban-primary", WEEK, 2, "08:50", "09:30", live=True),
        *periods("urban-primary", WEEK, 3, "10:00", "10:40", live=True),
        *periods("rural-primary", WEEK, 1, "08:20", "09:00", live=False),
        *periods("rural-primary", WEEK, 2, "09:10", "09:50", live=True),
        *periods("rural-primary", (1, 3, 5), 3, "10:10", "10:50", live=True),
    ),
    terms=(
        domain.Term("2026-autumn", "2026年秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)),
    ),
    calendar_days=(
        domain.CalendarDay(dt.date(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
        domain.CalendarDay(
            dt.date(2026, 10, 10), DayKind.MAKEUP, "国庆调休（上周五课表）", follows_weekday=5
        ),
        domain.CalendarDay(dt.date(2026, 11, 18), DayKind.EXAM, "期中考试", region_id="qingshan"),
        domain.CalendarDay(
            dt.date(2026, 11, 20), DayKind.CLOSURE, "停电检修", school_id="r-shanbei"
        ),
    ),
    subjects=(
        domain.Subject("music", "音乐", "Music"),
        domain.Subject("art", "美术", "Art"),
        domain.Subject("english", "英语", "English"),
    ),
    assistants=(
        domain.Assistant("a-li", "r-hexi", "李华", "13900000001", "lihua@example.cn"),
        domain.Assistant("a-zhao", "r-shanbei", "赵敏"),
    ),
    classrooms=(
        domain.Classroom("c-hexi-3", "r-hexi", "三年级（1）班", 3, 28, "a-li"),
        domain.Classroom("c-hexi-4", "r-hexi", "四年级（1）班", 4, 25, "a-li"),
        domain.Classroom("c-shanbei-3", "r-shanbei", "三年级", 3, 9, "a-zhao", NetworkProfile.WEAK),
    ),
    network_teachers=(
        domain.NetworkTeacher(
            "t-wang",
            "u-shiyan",
            "王丽",
            ("music",),
            (1, 2, 3, 4, 5, 6),
            3,
            10,
            "13800000001",
            "wangli@example.cn",
        ),
        domain.NetworkTeacher("t-chen", "u-shiyan", "陈静", ("art", "english"), (3, 4), 2, 6),
    ),
    busy_blocks=(
        domain.BusyBlock("t-wang", 1, dt.time(8, 0), dt.time(8, 40), "本校三(2)班音乐"),
        domain.BusyBlock("t-wang", 3, dt.time(8, 0), dt.time(8, 40), "本校三(2)班音乐"),
        domain.BusyBlock("t-chen", 2, dt.time(8, 50), dt.time(9, 30)),
    ),
    needs=(
        domain.Need("c-hexi-3", "music", 2),
        domain.Need("c-hexi-3", "art", 1),
        domain.Need("c-hexi-4", "english", 2),
        domain.Need("c-shanbei-3", "music", 1),
    ),
    pinned_sessions=(
        domain.PinnedSession(
            "p-choir",
            "t-wang",
            "music",
            3,
            dt.time(9, 10),
            dt.time(9, 50),
            (3, 4),
            3,
            open=True,
            note="公益课堂：童声合唱",
        ),
    ),
    events=(
        domain.Event(
            "e-training",
            EventKind.TRAINING,
            "双师课堂设备培训",
            AudienceKind.ALLIANCE,
            "pair-shiyan",
            dt.date(2026, 11, 19),
            dt.time(15, 30),
            dt.time(16, 30),
            host_teacher_id="t-wang",
            link="https://meet.example.cn/abc",
        ),
        domain.Event(
            "e-parents",
            EventKind.PARENT_CLASS,
            "家长课堂：阅读习惯",
            AudienceKind.CLASSROOM,
            "c-hexi-3",
            dt.date(2026, 11, 21),
            dt.time(19, 0),
            dt.time(20, 0),
            host_name="张老师",
        ),
    ),
)
