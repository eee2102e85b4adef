"""A small fixed county for calendar tests: one urban and two rural schools, 国庆 and 调休."""

from __future__ import annotations

import datetime as dt

from coordinator.calendar import (
    DatedLesson,
    FeedItem,
    FeedSpec,
    LessonStatus,
    Receiver,
    Room,
    SchoolCalendar,
    WeeklySession,
    classroom_lesson_text,
    date_event,
    event_item,
    event_text,
    expand_sessions,
    lesson_item,
    teacher_lesson_text,
)
from coordinator.domain import CalendarDay, Event, Term
from coordinator.enums import AudienceKind, DayKind, EventKind

FIRST = dt.date(2026, 10, 5)
LAST = dt.date(2026, 10, 31)
PUBLISHED = dt.datetime(2026, 9, 25, 2, 0, tzinfo=dt.UTC)
CANCELLED_AT = dt.datetime(2026, 10, 20, 8, 30, tzinfo=dt.UTC)
FRIDAY = "S-music-fri"  # 王丽's Friday music lesson to two rural classrooms
BERLIN = "S-exchange-fri"  # a partner school in Berlin, to prove DST conversion

TERMS = (Term("2026-autumn", "2026年秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)),)
DAYS = (
    CalendarDay(dt.date(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
    CalendarDay(dt.date(2026, 10, 2), DayKind.HOLIDAY, "国庆节"),
    CalendarDay(dt.date(2026, 10, 10), DayKind.MAKEUP, "国庆调休", follows_weekday=5),
    CalendarDay(dt.date(2026, 10, 10), DayKind.MAKEUP, "校内调休", 1, school_id="r-shankou"),
    CalendarDay(dt.date(2026, 10, 16), DayKind.CLOSURE, "雨雪停课", region_id="baishui"),
    CalendarDay(dt.date(2026, 10, 30), DayKind.EXAM, "期中考试", school_id="u-shiyan"),
    CalendarDay(dt.date(2026, 11, 13), DayKind.CLOSURE, "校园维修", school_id="u-shiyan"),
)


def calendar(school_id: str, region_id: str, zone: str = "Asia/Shanghai") -> SchoolCalendar:
    return SchoolCalendar.build(
        school_id=school_id, region_id=region_id, terms=TERMS, calendar_days=DAYS, time_zone=zone
    )


SHIYAN = calendar("u-shiyan", "qingshan")
HEXI = calendar("r-hexi", "qingshan")
SHANKOU = calendar("r-shankou", "baishui")
BERLIN_SCHOOL = calendar("b-berlin", "berlin", "Europe/Berlin")

ROOMS = {
    "c-hexi-3": Room("河西村小学", "三年级（1）班", "李明", "13800000011"),
    "c-shankou-3": Room("山口教学点", "三年级复式班", "张华", "13800000012"),
    "c-berlin-3": Room("Grundschule Mitte", "Klasse 3a", "Anna Schmidt", "+49 30 1234567"),
}
SESSIONS = (
    WeeklySession(
        FRIDAY,
        "t-wang",
        SHIYAN,
        5,
        dt.time(10, 0),
        dt.time(10, 40),
        "Asia/Shanghai",
        (Receiver("c-hexi-3", HEXI), Receiver("c-shankou-3", SHANKOU)),
    ),
    WeeklySession(
        BERLIN,
        "t-mueller",
        BERLIN_SCHOOL,
        5,
        dt.time(9, 0),
        dt.time(9, 45),
        "Europe/Berlin",
        (Receiver("c-berlin-3", BERLIN_SCHOOL),),
    ),
)
EVENT = Event(
    "ev-research-1",
    EventKind.RESEARCH,
    "三年级音乐 联合教研",
    AudienceKind.SCHOOL,
    "u-shiyan",
    dt.date(2026, 10, 14),
    dt.time(15, 30),
    dt.time(17, 0),
    host_name="县教研室 陈老师",
    link="https://meet.example.cn/j/8812345",
)


def lessons() -> list[DatedLesson]:
    return expand_sessions(SESSIONS, FIRST, LAST)


def teacher_link(lesson: DatedLesson) -> str:
    return f"https://live.example.cn/push/{lesson.session_key}/{lesson.date:%Y%m%d}"


def pull_link(lesson: DatedLesson, classroom_id: str) -> str:
    return f"https://live.example.cn/pull/{lesson.session_key}/{lesson.date:%Y%m%d}/{classroom_id}"


def status_of(lesson: DatedLesson) -> tuple[LessonStatus, int, dt.datetime]:
    """The Friday lesson of 23 October was cancelled by the admin; the rest are as planned."""
    if lesson.key == f"{FRIDAY}@2026-10-23":
        return LessonStatus.CANCELLED, 1, CANCELLED_AT
    return LessonStatus.SCHEDULED, 0, PUBLISHED


def teacher_items(teacher_id: str = "t-wang") -> list[FeedItem]:
    items = []
    for lesson in lessons():
        if lesson.teacher_id != teacher_id:
            continue
        rooms = [ROOMS[cid] for cid in lesson.classroom_ids]
        text = teacher_lesson_text(subject="音乐", grade=3, rooms=rooms, link=teacher_link(lesson))
        status, revision, changed = status_of(lesson)
        link = teacher_link(lesson)
        items.append(
            lesson_item(
                lesson,
                text,
                last_modified=changed,
                revision=revision,
                status=status,
                link=link,
                categories=("音乐", "直播课"),
            )
        )
    return items


def classroom_items(classroom_id: str) -> list[FeedItem]:
    items = []
    for lesson in lessons():
        if classroom_id not in lesson.classroom_ids:
            continue
        link = pull_link(lesson, classroom_id)
        text = classroom_lesson_text(
            subject="Music",
            grade=3,
            teacher="Wang Li",
            room=ROOMS[classroom_id],
            link=link,
            language="en",
        )
        status, revision, changed = status_of(lesson)
        items.append(
            lesson_item(
                lesson,
                text,
                last_modified=changed,
                revision=revision,
                status=status,
                link=link,
                location=ROOMS[classroom_id].classroom,
            )
        )
    return items


def admin_items() -> list[FeedItem]:
    items = teacher_items("t-wang") + teacher_items("t-mueller")
    dated = date_event(EVENT)
    text = event_text(kind=EVENT.kind, title=EVENT.title, host=EVENT.host_name, link=EVENT.link)
    return [*items, event_item(dated, text, last_modified=PUBLISHED)]


FEEDS: dict[str, tuple[FeedSpec, list[FeedItem]]] = {
    "teacher_t-wang_zh": (
        FeedSpec("王丽 · 直播课", uid="feed-teacher-t-wang@coordinator"),
        teacher_items(),
    ),
    "classroom_c-hexi-3_en": (
        FeedSpec("Hexi Class 3(1) · live lessons", language="en"),
        classroom_items("c-hexi-3"),
    ),
    "region_qingshan_zh": (
        FeedSpec("青山县 · 全部直播课与活动", description="青山县双师课堂管理员订阅"),
        admin_items(),
    ),
}

# What every client parser must see: UTC starts on both sides of the 调休 Saturday, in
# Berlin on both sides of the end of summer time, the cancellation and the stream link.
EXPECTED_STARTS = {
    f"{FRIDAY}@2026-10-09@coordinator": "2026-10-09T02:00:00Z",
    f"{FRIDAY}@2026-10-10@coordinator": "2026-10-10T02:00:00Z",
    f"{FRIDAY}@2026-10-16@coordinator": "2026-10-16T02:00:00Z",
    f"{BERLIN}@2026-10-23@coordinator": "2026-10-23T07:00:00Z",
    f"{BERLIN}@2026-10-30@coordinator": "2026-10-30T08:00:00Z",
}
CANCELLED_UID = f"{FRIDAY}@2026-10-23@coordinator"
