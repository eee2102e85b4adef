"""Small hand-made bundles for tests: one county, two schools' bell schedules, a 调休 day."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from coordinator import domain
from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def periods(
    schedule: str, starts: list[str], minutes: int, live: tuple[int, ...]
) -> list[domain.BellPeriod]:
    result = []
    for weekday in range(1, 6):
        for number, start in enumerate(starts, start=1):
            begin = dt.datetime.combine(dt.date(2026, 1, 1), t(start))
            end = (begin + dt.timedelta(minutes=minutes)).time()
            result.append(
                domain.BellPeriod(schedule, weekday, number, t(start), end, number in live)
            )
    return result


def small_bundle(**changes: Any) -> domain.Bundle:
    bundle = domain.Bundle(
        name="小县 测试",
        anchor_date=dt.date(2026, 11, 23),
        regions=(domain.Region("xiao", "小县"),),
        schools=(
            domain.School("u-one", "城关一小", SchoolKind.URBAN, "xiao", "urban"),
            domain.School("r-east", "东村小学", SchoolKind.RURAL, "xiao", "rural"),
            domain.School("r-west", "西村教学点", SchoolKind.RURAL, "xiao", "rural"),
        ),
        alliances=(domain.Alliance("pair-1", "城关一小结对", AllianceKind.PAIRING, "u-one"),),
        alliance_members=(
            domain.AllianceMember("pair-1", "r-east", 2),
            domain.AllianceMember("pair-1", "r-west", 1),
        ),
        bell_schedules=(
            domain.BellSchedule("urban", "城区小学"),
            domain.BellSchedule("rural", "乡村小学"),
        ),
        bell_periods=tuple(
            periods("urban", ["08:00", "08:50", "09:50", "10:40"], 40, live=(1, 2, 3, 4))
            + periods("rural", ["08:20", "09:10", "10:10", "11:00"], 40, live=(2, 3, 4))
        ),
        terms=(
            domain.Term("2026-autumn", "2026年秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)),
        ),
        calendar_days=(
            domain.CalendarDay(dt.date(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
            domain.CalendarDay(
                dt.date(2026, 10, 10), DayKind.MAKEUP, "国庆调休", follows_weekday=5
            ),
            domain.CalendarDay(dt.date(2026, 11, 27), DayKind.CLOSURE, "停电", school_id="r-west"),
        ),
        subjects=(
            domain.Subject("music", "音乐", "Music"),
            domain.Subject("art", "美术", "Art"),
        ),
        assistants=(
            domain.Assistant("a-li", "r-east", "李老师", "13900000001"),
            domain.Assistant("a-zhao", "r-west", "赵老师", "13900000002", "zhao@example.cn"),
        ),
        classrooms=(
            domain.Classroom("c-east-3", "r-east", "三年级（1）班", 3, 32, "a-li"),
            domain.Classroom("c-east-4", "r-east", "四年级（1）班", 4, 30, "a-li"),
            domain.Classroom("c-west-3", "r-west", "三年级", 3, 9, "a-zhao", NetworkProfile.WEAK),
        ),
        network_teachers=(
            domain.NetworkTeacher(
                "t-wang", "u-one", "王丽", ("music",), (1, 2, 3, 4, 5, 6), 3, 10, "13800000001"
            ),
            domain.NetworkTeacher("t-chen", "u-one", "陈明", ("art", "music"), (3, 4), 2, 6),
        ),
        busy_blocks=(
            domain.BusyBlock("t-wang", 1, t("08:00"), t("09:30"), "本校课"),
            domain.BusyBlock("t-chen", 3, t("10:00"), t("11:30")),
        ),
        needs=(
            domain.Need("c-east-3", "music", 2),
            domain.Need("c-east-4", "art", 1),
            domain.Need("c-west-3", "music", 1),
        ),
        pinned_sessions=(
            domain.PinnedSession(
                "p-open-music",
                "t-wang",
                "music",
                2,
                t("09:10"),
                t("09:50"),
                (3, 4),
                8,
                open=True,
                note="公益课堂",
            ),
        ),
        events=(
            domain.Event(
                "e-jiaoyan",
                EventKind.RESEARCH,
                "音乐教研",
                AudienceKind.ALLIANCE,
                "pair-1",
                dt.date(2026, 11, 25),
                t("15:00"),
                t("16:00"),
                host_teacher_id="t-wang",
            ),
        ),
    )
    return dataclasses.replace(bundle, **changes)
