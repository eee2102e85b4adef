"""The calendar: national holidays, 调休 make-up days, regional closures."""

from __future__ import annotations

import datetime as dt

from coordinator.bundle.synthetic.draft import Draft
from coordinator.domain import (
    CalendarDay,
    Region,
    School,
)
from coordinator.enums import (
    DayKind,
)

NATIONAL_DAYS = (
    CalendarDay(dt.date(2026, 9, 20), DayKind.MAKEUP, "国庆调休上课（按周二课表）", 2),
    CalendarDay(dt.date(2026, 9, 25), DayKind.HOLIDAY, "中秋节"),
    *(CalendarDay(dt.date(2026, 10, day), DayKind.HOLIDAY, "国庆节") for day in range(1, 8)),
    CalendarDay(dt.date(2026, 10, 10), DayKind.MAKEUP, "国庆调休上课（按周三课表）", 3),
    CalendarDay(dt.date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
    *(CalendarDay(dt.date(2027, 1, day), DayKind.EXAM, "期末考试") for day in (18, 19, 20)),
)
CLOSURE_REASONS = ("雨雪天气停课", "线路检修停电", "校舍维修停课", "流感停课")


def draw_region_days(draft: Draft, region: Region, rural: list[School]) -> None:
    """The region's mid-term exam (two days in mid-November) and a few one-day school closures."""
    first = dt.date(2026, 11, draft.rng.randint(9, 12))
    for day in (first, first + dt.timedelta(days=1)):
        draft.days.append(
            CalendarDay(day, DayKind.EXAM, f"{region.name}期中考试", region_id=region.id)
        )
    school_days = week_days(dt.date(2026, 10, 12), dt.date(2026, 12, 31))
    for school in draft.rng.sample(rural, min(len(rural), max(1, len(rural) // 40))):
        draft.days.append(
            CalendarDay(
                draft.rng.choice(school_days),
                DayKind.CLOSURE,
                draft.rng.choice(CLOSURE_REASONS),
                school_id=school.id,
            )
        )


def week_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.isoweekday() <= 5]
