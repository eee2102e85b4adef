"""One row per classroom lesson, with a stable column set county and provincial platforms ingest.

The columns (keys, order and meaning) are a published format (docs/reports.md, "Per-lesson
export"): new columns may be appended, none is renamed, removed or reordered.
"""

from __future__ import annotations

from coordinator.reporting.facts import Facts, Label, ScopeFilter
from coordinator.reporting.outcomes import END_REPORT, Outcome, outcomes, zone
from coordinator.reporting.tables import Cell, Column, Kind, Table

LESSON_COLUMNS = (
    Column("date", Label("日期", "Date"), Kind.TEXT),
    Column("start", Label("开始时间", "Start"), Kind.TEXT),
    Column("region_id", Label("区县代码", "Region id"), Kind.TEXT),
    Column("school_id", Label("学校代码", "School id"), Kind.TEXT),
    Column("school", Label("学校", "School"), Kind.TEXT),
    Column("classroom_id", Label("班级代码", "Classroom id"), Kind.TEXT),
    Column("classroom", Label("班级", "Classroom"), Kind.TEXT),
    Column("subject_id", Label("学科代码", "Subject id"), Kind.TEXT),
    Column("subject", Label("学科", "Subject"), Kind.TEXT),
    Column("teacher_id", Label("主讲教师代码", "Teacher id"), Kind.TEXT),
    Column("teacher", Label("主讲教师", "Teacher"), Kind.TEXT),
    Column("status", Label("状态", "Status"), Kind.TEXT),
    Column("planned", Label("计划", "Planned")),
    Column("delivered", Label("实开", "Delivered")),
    Column("cancelled", Label("取消", "Cancelled")),
    Column("pupils_present", Label("到课人数", "Pupils present")),
    Column("stream_quality", Label("直播质量", "Stream quality"), Kind.TEXT),
    Column("lesson_key", Label("课次标识", "Lesson key"), Kind.TEXT),
)
STATUS = {
    "cancelled": Label("已取消", "cancelled"),
    "delivered": Label("已开课", "delivered"),
    "failed": Label("未开成", "failed"),
    "not_reported": Label("未报告", "not reported"),
    "upcoming": Label("未到时间", "upcoming"),
}


def lessons_table(facts: Facts, scope: ScopeFilter | None = None) -> Table:
    """Every classroom lesson of the period, by date, start and classroom."""
    quality = {
        (fact.lesson_key, fact.classroom_id): fact.stream_quality
        for fact in facts.attendance
        if fact.kind == END_REPORT
    }
    found = sorted(outcomes(facts, scope), key=lambda o: (o.date, o.lesson.start, o.classroom_id))
    rows = tuple(lesson_row(facts, o, quality.get((o.lesson.key, o.classroom_id))) for o in found)
    title = Label("逐课次明细", "Lessons, one row per classroom")
    return Table("lessons", title, LESSON_COLUMNS, rows)


def lesson_row(facts: Facts, outcome: Outcome, quality: str | None) -> tuple[Cell, ...]:
    catalog, lesson = facts.catalog, outcome.lesson
    classroom = catalog.classrooms.get(outcome.classroom_id)
    school = catalog.school_of(outcome.classroom_id)
    subject = catalog.subjects.get(lesson.subject_id)
    teacher = catalog.teachers.get(lesson.teacher_id)
    start = lesson.start.astimezone(zone(catalog.time_zone_of(outcome.classroom_id)))
    return (
        outcome.date.isoformat(),
        f"{start:%H:%M}",
        school.region_id if school else "",
        school.id if school else "",
        school.name if school else "",
        outcome.classroom_id,
        classroom.name if classroom else "",
        lesson.subject_id,
        Label(subject.name_zh, subject.name_en) if subject else lesson.subject_id,
        lesson.teacher_id,
        teacher.name if teacher else "",
        STATUS[status(outcome)],
        int(outcome.planned),
        int(outcome.delivered),
        int(outcome.cancelled),
        outcome.students,
        quality,
        lesson.key,
    )


def status(outcome: Outcome) -> str:
    if outcome.cancelled:
        return "cancelled"
    if outcome.delivered:
        return "delivered"
    if outcome.failed:
        return "failed"
    return "not_reported" if outcome.due else "upcoming"
