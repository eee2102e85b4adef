"""Tests of the cross-file rules: bells, teachers, terms and days, needs, pinned sessions."""

from __future__ import annotations

from coordinator.bundle import read_bundle

from .helpers import BundleCopy


def test_bell_period_end_not_after_start_is_an_error(small: BundleCopy) -> None:
    small.set_cell("bell_periods", 2, "end", "07:50")

    assert small.problems() == ["bell_periods.csv:2: end: end 07:50 is not after start 08:00"]


def test_bell_periods_overlapping_on_a_weekday_is_an_error(small: BundleCopy) -> None:
    small.set_cell("bell_periods", 3, "start", "08:30")

    assert small.problems() == [
        "bell_periods.csv:3: start: overlaps the period on line 2 (weekdays 1-5)"
    ]


def test_bell_period_number_used_twice_on_a_weekday_is_an_error(small: BundleCopy) -> None:
    small.append(
        "bell_periods",
        bell_schedule_id="rural-primary",
        weekdays="3",
        period="3",
        start="14:00",
        end="14:40",
    )

    assert small.problems() == [
        "bell_periods.csv:8: period: period number already used on line 7 (weekday 3)"
    ]


def test_school_without_live_period_is_a_warning(small: BundleCopy) -> None:
    small.append("bell_schedules", id="no-live", name="无直播")
    small.append(
        "bell_periods",
        bell_schedule_id="no-live",
        weekdays="1-5",
        period="1",
        start="08:00",
        end="08:40",
        live="no",
    )
    small.append(
        "schools",
        id="r-new",
        name="新村",
        kind="rural",
        region_id="qingshan",
        bell_schedule_id="no-live",
    )

    report = read_bundle(small.folder)

    assert [str(problem) for problem in report.problems] == [
        "schools.csv:5: bell_schedule_id: bell schedule 'no-live' has no live period, "
        "so this school can take no live lessons"
    ]
    assert report.warnings == report.problems
    assert report.bundle is not None


def test_busy_block_end_not_after_start_is_an_error(small: BundleCopy) -> None:
    small.set_cell("busy_blocks", 3, "end", "08:50")

    assert small.problems() == ["busy_blocks.csv:3: end: end 08:50 is not after start 08:50"]


def test_busy_block_outside_the_school_day_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("busy_blocks", 2, "start", "18:00")
    small.set_cell("busy_blocks", 2, "end", "19:00")

    assert small.problems() == [
        "busy_blocks.csv:2: start: lies outside the school day of the teacher's school "
        "(weekdays 1;3)"
    ]


def test_busy_block_overlapping_another_is_a_warning(small: BundleCopy) -> None:
    small.append("busy_blocks", teacher_id="t-wang", weekdays="周一", start="08:20", end="09:00")

    assert small.problems() == [
        "busy_blocks.csv:4: start: overlaps the busy block on line 2 (weekday 1)"
    ]


def test_network_teacher_at_a_rural_school_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("network_teachers", 2, "school_id", "r-hexi")

    assert small.problems() == [
        "network_teachers.csv:2: school_id: home school 'r-hexi' is rural, not urban"
    ]


def test_term_ending_before_it_starts_is_an_error(small: BundleCopy) -> None:
    small.set_cell("terms", 2, "end", "2026-08-01")

    assert small.problems() == ["terms.csv:2: end: end 2026-08-01 is before start 2026-09-01"]


def test_terms_overlapping_in_one_region_is_an_error(small: BundleCopy) -> None:
    small.append(
        "terms", id="2027-spring", name="2027年春季学期", start="2027-01-10", end="2027-07-10"
    )

    assert small.problems() == [
        "terms.csv:3: start: term '2027-spring' overlaps term '2026-autumn' on line 2"
    ]


def test_terms_of_different_regions_may_overlap(small: BundleCopy) -> None:
    small.set_cell("terms", 2, "region_id", "qingshan")
    small.append("regions", id="hexian", name="河县")
    small.append(
        "terms",
        id="hexian-autumn",
        name="秋季",
        start="2026-09-01",
        end="2027-01-20",
        region_id="hexian",
    )

    assert small.problems() == []


def test_calendar_day_outside_every_term_is_an_error(small: BundleCopy) -> None:
    small.set_cell("calendar_days", 2, "date", "2026-08-01")

    assert small.problems() == ["calendar_days.csv:2: date: 2026-08-01 lies outside every term"]


def test_calendar_day_outside_its_regions_terms_is_an_error(small: BundleCopy) -> None:
    small.append("regions", id="hexian", name="河县")
    small.set_cell("terms", 2, "region_id", "hexian")

    assert small.problems() == [
        "calendar_days.csv:4: date: 2026-11-18 lies outside every term of region 'qingshan'",
        "calendar_days.csv:5: date: 2026-11-20 lies outside every term of region 'qingshan'",
    ]


def test_makeup_day_without_follows_weekday_is_an_error(small: BundleCopy) -> None:
    small.set_cell("calendar_days", 3, "follows_weekday", "")

    assert small.problems() == [
        "calendar_days.csv:3: follows_weekday: "
        "a makeup day needs the weekday whose timetable it follows"
    ]


def test_follows_weekday_on_other_day_is_an_error(small: BundleCopy) -> None:
    small.set_cell("calendar_days", 2, "follows_weekday", "1")

    assert small.problems() == [
        "calendar_days.csv:2: follows_weekday: only makeup days follow another weekday; "
        "this day's kind is 'holiday'"
    ]


def test_makeup_day_on_a_weekday_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("calendar_days", 3, "date", "2026-10-09")

    assert small.problems() == [
        "calendar_days.csv:3: date: 2026-10-09 is a Friday; "
        "a makeup day is normally a Saturday or Sunday"
    ]


def test_calendar_day_with_region_and_school_is_an_error(small: BundleCopy) -> None:
    small.set_cell("calendar_days", 5, "region_id", "qingshan")

    assert small.problems() == [
        "calendar_days.csv:5: school_id: give region_id or school_id, not both"
    ]


def test_need_of_a_subject_nobody_teaches_is_an_error(small: BundleCopy) -> None:
    small.append("subjects", id="science", name_zh="科学", name_en="Science")
    small.append("needs", classroom_id="c-hexi-3", subject_id="science", periods_per_week="1")

    assert small.problems() == ["needs.csv:6: subject_id: no network teacher teaches 'science'"]


def test_need_of_a_grade_nobody_teaches_is_an_error(small: BundleCopy) -> None:
    small.set_cell("classrooms", 3, "grade", "5")

    assert small.problems() == [
        "needs.csv:4: subject_id: no network teacher of 'english' teaches grade 5"
    ]


def test_need_larger_than_live_periods_is_an_error(small: BundleCopy) -> None:
    small.set_cell("needs", 2, "periods_per_week", "9")

    assert small.problems() == [
        "needs.csv:2: periods_per_week: 9 periods a week, but school 'r-hexi' opens only 8 live "
        "periods a week"
    ]


def test_needs_adding_up_past_live_periods_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("needs", 2, "periods_per_week", "8")

    assert small.problems() == [
        "needs.csv:3: periods_per_week: the needs of classroom 'c-hexi-3' add up to 9 periods a "
        "week, more than the 8 live periods school 'r-hexi' opens"
    ]


def test_classroom_in_an_urban_school_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("classrooms", 4, "school_id", "u-shiyan")
    small.set_cell("classrooms", 4, "assistant_id", "a-li")
    small.set_cell("assistants", 2, "school_id", "u-shiyan")

    assert small.problems() == [
        "classrooms.csv:2: assistant_id: assistant 'a-li' works at 'u-shiyan', not at 'r-hexi'",
        "classrooms.csv:3: assistant_id: assistant 'a-li' works at 'u-shiyan', not at 'r-hexi'",
        "classrooms.csv:4: school_id: school 'u-shiyan' is urban; receiving classrooms are in "
        "rural schools",
    ]


def test_classroom_with_assistant_of_another_school_is_a_warning(small: BundleCopy) -> None:
    small.set_cell("classrooms", 4, "assistant_id", "a-li")

    assert small.problems() == [
        "classrooms.csv:4: assistant_id: assistant 'a-li' works at 'r-hexi', not at 'r-shanbei'"
    ]


def test_pinned_session_of_a_subject_the_teacher_does_not_teach_is_an_error(
    small: BundleCopy,
) -> None:
    small.set_cell("pinned_sessions", 2, "subject_id", "art")

    assert small.problems() == [
        "pinned_sessions.csv:2: subject_id: teacher 't-wang' does not teach 'art'"
    ]


def test_pinned_session_for_grades_the_teacher_does_not_teach_is_an_error(
    small: BundleCopy,
) -> None:
    small.set_cell("pinned_sessions", 2, "grades", "5-8")

    assert small.problems() == [
        "pinned_sessions.csv:2: grades: teacher 't-wang' does not teach grades 7-8"
    ]


def test_pinned_session_in_a_busy_block_is_an_error(small: BundleCopy) -> None:
    small.set_cell("pinned_sessions", 2, "start", "08:20")

    assert small.problems() == [
        "pinned_sessions.csv:2: start: falls in a busy block of teacher 't-wang' "
        "(08:00–08:40, busy_blocks.csv line 2)"
    ]


def test_pinned_session_end_not_after_start_is_an_error(small: BundleCopy) -> None:
    small.set_cell("pinned_sessions", 2, "end", "09:10")

    assert small.problems() == ["pinned_sessions.csv:2: end: end 09:10 is not after start 09:10"]


def test_event_end_not_after_start_is_an_error(small: BundleCopy) -> None:
    small.set_cell("events", 3, "end", "18:00")

    assert small.problems() == ["events.csv:3: end: end 18:00 is not after start 19:00"]
