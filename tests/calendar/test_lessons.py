"""Weekly sessions expanded over dates: 调休, holidays, exam days, conflicts and UTC times."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.calendar import (
    Conflict,
    ConflictReason,
    DatedLesson,
    DayType,
    Receiver,
    SchoolCalendar,
    date_event,
    expand_sessions,
)
from coordinator.calendar.lessons import date_session, dates
from coordinator.domain import CalendarDay
from coordinator.enums import DayKind
from tests.calendar.scenario import (
    BERLIN,
    DAYS,
    EVENT,
    FIRST,
    FRIDAY,
    HEXI,
    LAST,
    SESSIONS,
    SHIYAN,
    TERMS,
    lessons,
)

UTC = dt.UTC


def by_key() -> dict[str, DatedLesson]:
    return {lesson.key: lesson for lesson in lessons()}


def test_expand_runs_friday_sessions_on_makeup_saturday() -> None:
    friday = [lesson for lesson in lessons() if lesson.session_key == FRIDAY]

    assert [lesson.date for lesson in friday] == [
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 16),
        dt.date(2026, 10, 23),
        dt.date(2026, 10, 30),
    ]
    assert [lesson.start for lesson in friday[:3]] == [
        dt.datetime(2026, 10, 9, 2, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 10, 2, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 16, 2, 0, tzinfo=UTC),
    ]


def test_expand_skips_holidays() -> None:
    found = expand_sessions(SESSIONS[:1], dt.date(2026, 9, 28), dt.date(2026, 10, 4))

    assert [lesson.date for lesson in found] == []  # Friday 2 October is 国庆节


def test_expand_keeps_no_lesson_outside_term() -> None:
    found = expand_sessions(SESSIONS[:1], dt.date(2027, 1, 20), dt.date(2027, 2, 5))

    assert [lesson.date for lesson in found] == [dt.date(2027, 1, 22)]


def test_expand_gives_utc_aware_times_without_dst_in_shanghai() -> None:
    found = expand_sessions(SESSIONS[:1], dt.date(2027, 1, 15), dt.date(2027, 1, 15))

    assert (found[0].start, found[0].end) == (
        dt.datetime(2027, 1, 15, 2, 0, tzinfo=UTC),
        dt.datetime(2027, 1, 15, 2, 40, tzinfo=UTC),
    )


def test_expand_converts_berlin_times_across_end_of_summer_time() -> None:
    lessons_by_key = by_key()

    assert lessons_by_key[f"{BERLIN}@2026-10-23"].start == dt.datetime(2026, 10, 23, 7, tzinfo=UTC)
    assert lessons_by_key[f"{BERLIN}@2026-10-30"].start == dt.datetime(2026, 10, 30, 8, tzinfo=UTC)
    assert lessons_by_key[f"{BERLIN}@2026-10-30"].end == dt.datetime(
        2026, 10, 30, 8, 45, tzinfo=UTC
    )


def test_expand_ordinary_friday_has_no_conflict() -> None:
    lesson = by_key()[f"{FRIDAY}@2026-10-09"]

    assert (lesson.classroom_ids, lesson.conflicts) == (("c-hexi-3", "c-shankou-3"), ())


def test_expand_flags_classroom_following_another_weekday_on_makeup_day() -> None:
    lesson = by_key()[f"{FRIDAY}@2026-10-10"]

    assert lesson.classroom_ids == ("c-hexi-3",)
    assert lesson.conflicts == (
        Conflict(
            ConflictReason.CLASSROOM_OTHER_WEEKDAY, "c-shankou-3", DayType.MAKEUP, "校内调休", 1
        ),
    )


def test_expand_flags_classroom_whose_region_is_closed() -> None:
    lesson = by_key()[f"{FRIDAY}@2026-10-16"]

    assert lesson.classroom_ids == ("c-hexi-3",)
    assert lesson.conflicts == (
        Conflict(ConflictReason.CLASSROOM_NO_SCHOOL, "c-shankou-3", DayType.CLOSURE, "雨雪停课"),
    )


def test_expand_flags_teacher_exam_day_and_keeps_the_lesson() -> None:
    lesson = by_key()[f"{FRIDAY}@2026-10-30"]

    assert lesson.classroom_ids == ("c-hexi-3", "c-shankou-3")
    assert lesson.conflicts == (
        Conflict(ConflictReason.TEACHER_EXAM, "t-wang", DayType.EXAM, "期中考试", 5),
    )


def test_expand_flags_teacher_school_closed_while_classrooms_are_open() -> None:
    found = expand_sessions(SESSIONS[:1], dt.date(2026, 11, 13), dt.date(2026, 11, 13))

    assert [(lesson.classroom_ids, lesson.conflicts) for lesson in found] == [
        (
            ("c-hexi-3", "c-shankou-3"),
            (Conflict(ConflictReason.TEACHER_NO_SCHOOL, "t-wang", DayType.CLOSURE, "校园维修"),),
        )
    ]


def test_expand_flags_teacher_with_ordinary_saturday_when_classroom_makes_up() -> None:
    plain = dataclasses.replace(SHIYAN, days={})  # no 调休 at the teacher's school
    receivers = (Receiver("c-hexi-3", HEXI),)
    session = dataclasses.replace(SESSIONS[0], teacher_calendar=plain, receivers=receivers)

    found = expand_sessions([session], dt.date(2026, 10, 10), dt.date(2026, 10, 10))

    assert [(lesson.classroom_ids, lesson.conflicts) for lesson in found] == [
        (
            ("c-hexi-3",),
            (Conflict(ConflictReason.TEACHER_OTHER_WEEKDAY, "t-wang", DayType.ORDINARY, "", 6),),
        )
    ]


def test_expand_keys_and_uids_are_stable_across_runs() -> None:
    first, again = lessons(), lessons()

    assert first == again
    assert first[0].key == f"{FRIDAY}@2026-10-09"
    assert first[0].uid == f"{FRIDAY}@2026-10-09@coordinator"


def test_fingerprint_changes_with_classrooms_link_and_status() -> None:
    lesson = by_key()[f"{FRIDAY}@2026-10-09"]
    fewer = dataclasses.replace(lesson, classroom_ids=("c-hexi-3",))

    prints = {
        lesson.fingerprint(link="a"),
        lesson.fingerprint(link="b"),
        lesson.fingerprint(link="a", status="cancelled"),
        fewer.fingerprint(link="a"),
    }

    assert len(prints) == 4
    assert lesson.fingerprint(link="a") == by_key()[lesson.key].fingerprint(link="a")


def test_date_event_converts_to_utc_and_keys_by_event_id() -> None:
    dated = date_event(EVENT)

    assert (dated.key, dated.uid) == ("event-ev-research-1", "event-ev-research-1@coordinator")
    assert (dated.start, dated.end) == (
        dt.datetime(2026, 10, 14, 7, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 14, 9, 0, tzinfo=UTC),
    )


def test_expand_flags_classroom_exam_day() -> None:
    exam = CalendarDay(dt.date(2026, 10, 9), DayKind.EXAM, "月考", school_id="r-hexi")
    hexi = SchoolCalendar.build(
        school_id="r-hexi", region_id="qingshan", terms=TERMS, calendar_days=(*DAYS, exam)
    )
    session = dataclasses.replace(SESSIONS[0], receivers=(Receiver("c-hexi-3", hexi),))

    found = expand_sessions([session], dt.date(2026, 10, 9), dt.date(2026, 10, 9))

    assert [(lesson.classroom_ids, lesson.conflicts) for lesson in found] == [
        ((), (Conflict(ConflictReason.CLASSROOM_EXAM, "c-hexi-3", DayType.EXAM, "月考", 5),))
    ]


def test_expand_yields_nothing_when_every_party_has_an_exam() -> None:
    exam = CalendarDay(dt.date(2026, 10, 9), DayKind.EXAM, "统考")
    calendar = SchoolCalendar.build(
        school_id="x", region_id="qingshan", terms=TERMS, calendar_days=(exam,)
    )
    session = dataclasses.replace(
        SESSIONS[0], teacher_calendar=calendar, receivers=(Receiver("c-hexi-3", calendar),)
    )

    assert expand_sessions([session], dt.date(2026, 10, 9), dt.date(2026, 10, 9)) == []


def test_expand_asks_only_the_weekday_and_make_up_days_and_finds_every_lesson() -> None:
    """The same lessons as trying every date, for sessions on every weekday over the term."""
    sessions = [
        dataclasses.replace(session, key=f"{session.key}-{weekday}", weekday=weekday)
        for session in SESSIONS
        for weekday in range(1, 8)
    ]
    every_date = [
        lesson
        for session in sessions
        for date in dates(FIRST, LAST)
        if (lesson := date_session(session, date)) is not None
    ]

    found = expand_sessions(sessions, FIRST, LAST)

    assert sorted(found, key=lambda x: x.key) == sorted(every_date, key=lambda x: x.key)
    made_up = [x for x in found if x.date.isoweekday() != int(x.key.split("@")[0][-1])]
    assert made_up  # the scenario's 调休 days are among them (a Saturday runs Friday's lessons)
