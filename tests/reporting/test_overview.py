"""The Reports page's tables over the crafted county: not reported, reasons, grades, scopes."""

from __future__ import annotations

import dataclasses

from coordinator.reporting import Dimension, Label, ScopeFilter, attendance_report
from coordinator.reporting.overview import UnmetNeed, overview
from coordinator.reporting.scopes import scope_choices, within
from coordinator.reporting.tables import Table
from tests.reporting.world import catalog, facts


def column(table: Table, key: str) -> list[object]:
    index = [c.key for c in table.columns].index(key)
    return [row[index] for row in (*table.rows, table.footer or ())]


def text(cell: object) -> str:
    return cell.zh if isinstance(cell, Label) else str(cell)


def test_not_reported_counts_due_lessons_nobody_reported() -> None:
    table = overview(facts(), Dimension.CLASSROOM).attendance
    # c-e3: L3 due, nothing from the classroom; c-e4's L5 is not due yet; c-w3 reported failures.
    assert column(table, "not_reported") == [1, 0, 0, 1]
    assert column(table, "check_in_rate") == [2 / 3, 1.0, 1.0, 6 / 7]


def test_teacher_live_column_only_when_the_provider_tells() -> None:
    known = overview(facts(), Dimension.SCHOOL).attendance
    unknown = overview(facts(live_lessons=None), Dimension.SCHOOL).attendance
    keys = ([c.key for c in known.columns], [c.key for c in unknown.columns])
    assert ("teacher_live" in keys[0], "teacher_live" in keys[1]) == (True, False)


def test_kaiqi_reasons_say_what_is_known_of_each_shortfall() -> None:
    table = overview(facts(), Dimension.SCHOOL).kaiqi
    assert [text(r) for r in column(table, "reason")] == [
        "只排了3节；1节取消；1节未报告",
        "",  # c-e4 art is on target
        "2节失败（直播中断、停电）",
        "",
    ]
    short = UnmetNeed("c-e3", "music", 1, Label("没有音乐老师有空。", "No music teacher is free."))
    reasons = column(overview(facts(), Dimension.SCHOOL, unmet=[short]).kaiqi, "reason")
    first = reasons[0]
    assert isinstance(first, Label)
    assert (
        first.en
        == "timetable short by 1 a week: No music teacher is free.; 1 cancelled; 1 not reported"
    )


def test_overview_equals_the_pure_reports_it_is_built_on() -> None:
    page = overview(facts(), Dimension.TEACHER, ScopeFilter.parse("school:r-east"))
    pure = attendance_report(facts(), Dimension.TEACHER, ScopeFilter.parse("school:r-east"))
    assert column(page.attendance, "delivered") == [
        line.delivered for line in (*pure.lines, pure.total)
    ]
    assert [p.value for p in page.weekly_chart.points] == [1.0, 0.0]  # W48: L3 not reported


def test_attendance_by_grade_in_grade_order() -> None:
    grades = {"c-e3": 3, "c-e4": 4, "c-w3": 3}
    rooms = {
        key: dataclasses.replace(room, grade=grades[key])
        for key, room in catalog().classrooms.items()
    }
    report = attendance_report(
        facts(catalog=dataclasses.replace(catalog(), classrooms=rooms)), Dimension.GRADE
    )
    assert [(line.key, line.label.zh, line.label.en, line.planned) for line in report.lines] == [
        ("3", "三年级", "Grade 3", 5),
        ("4", "四年级", "Grade 4", 3),
    ]


def test_narrower_scopes_lie_wholly_inside_the_admins() -> None:
    county, group = ScopeFilter.parse("region:xiao"), ScopeFilter.parse("alliance:grp-2")
    assert [c.value for c in scope_choices(catalog(), county)] == [
        "region:xiao",  # then by Chinese name (code point order, as every report sorts)
        "alliance:grp-2",  # 东村教育集团
        "alliance:pair-1",  # 城关一小结对
        "school:r-east",  # 东村小学
        "school:u-one",  # 城关一小
        "school:r-west",  # 西村教学点
    ]
    assert [c.value for c in scope_choices(catalog(), group)] == ["alliance:grp-2", "school:r-east"]
    assert (within(catalog(), county, group), within(catalog(), group, county)) == (False, True)
    assert within(catalog(), ScopeFilter.parse("school:nowhere"), county) is False
