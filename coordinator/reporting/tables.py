"""Reports as tables: bilingual column headings, typed cells; what every export writes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from coordinator.reporting.attendance import AttendanceLine, AttendanceReport, CauseLine
from coordinator.reporting.evidence import DISAGREEMENT_LABELS, platform_label
from coordinator.reporting.facts import Label, Period, ScopeFilter
from coordinator.reporting.kaiqi import KaiqiReport
from coordinator.reporting.labels import TOTAL

Cell: TypeAlias = str | int | float | Label | None


class Kind(StrEnum):
    """How a column's cells are written: as text, whole numbers, decimals or percentages."""

    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    RATE = "rate"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: Label
    kind: Kind = Kind.INT


@dataclass(frozen=True, slots=True)
class Table:
    """A titled grid; `footer` is a totals row, written last."""

    name: str  # a file-name-friendly id, e.g. attendance-by-school
    title: Label
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[Cell, ...] | None = None


ATTENDANCE_COLUMNS = (
    Column("lessons", Label("课次", "Lessons")),
    Column("planned", Label("计划", "Planned")),
    Column("cancelled", Label("取消", "Cancelled")),
    Column("due", Label("应开", "Due")),
    Column("checked_in", Label("签到", "Checked in")),
    Column("delivered", Label("实开", "Delivered")),
    Column("failed", Label("失败", "Failed")),
    Column("delivery_rate", Label("开课率", "Delivery rate"), Kind.RATE),
    Column("late_reports", Label("迟报", "Late reports")),
    Column("students_average", Label("平均到课人数", "Students (avg)"), Kind.DECIMAL),
    Column("teacher_live", Label("主讲上线", "Teacher live")),
)
GROUP_NAMES = {
    "classroom": Label("班级", "Classroom"),
    "teacher": Label("主讲教师", "Teacher"),
    "subject": Label("学科", "Subject"),
    "school": Label("学校", "School"),
    "alliance": Label("联盟", "Alliance"),
    "region": Label("区县", "Region"),
    "week": Label("周次", "Week"),
    "grade": Label("年级", "Grade"),
}
KAIQI_COLUMNS = (
    Column("school", Label("学校", "School"), Kind.TEXT),
    Column("classroom", Label("班级", "Classroom"), Kind.TEXT),
    Column("subject", Label("学科", "Subject"), Kind.TEXT),
    Column("per_week", Label("周课时", "Periods/week")),
    Column("school_weeks", Label("教学周", "School weeks")),
    Column("required", Label("应开课时", "Required")),
    Column("planned", Label("排课", "Planned")),
    Column("delivered", Label("实开课时", "Delivered")),
    Column("rate", Label("完成率", "Completion"), Kind.RATE),
    Column("below", Label("未达标", "Below target"), Kind.TEXT),
)
PLATFORM_COLUMNS = (  # only when some lessons ran on a platform that reports attendance
    Column("confirmed", Label("平台确认", "Confirmed by platform")),
    Column("disagree", Label("签到与平台不一致", "Check-in vs platform")),
)
YES = Label("是", "yes")


def attendance_table(report: AttendanceReport) -> Table:
    """One row per group, then the total."""
    group = GROUP_NAMES[report.dimension.value]
    columns = (Column("key", Label("编号", "ID"), Kind.TEXT), Column("name", group, Kind.TEXT))
    title = Label(f"开课统计（按{group.zh}）", f"Attendance by {group.en.lower()}")
    return Table(
        name=f"attendance-by-{report.dimension.value}",
        title=_dated(title, report.period, report.scope),
        columns=columns + ATTENDANCE_COLUMNS,
        rows=tuple(_attendance_cells(line) for line in report.lines),
        footer=_attendance_cells(report.total),
    )


def _attendance_cells(line: AttendanceLine) -> tuple[Cell, ...]:
    return (
        line.key,
        line.label,
        line.lessons,
        line.planned,
        line.cancelled,
        line.due,
        line.checked_in,
        line.delivered,
        line.failed,
        line.delivery_rate,
        line.late_reports,
        line.students_average,
        line.teacher_live,
    )


def kaiqi_table(report: KaiqiReport) -> Table:
    """One row per classroom need; the footer sums what was required and delivered."""
    rows = tuple(
        (
            line.school,
            line.classroom,
            line.subject,
            line.per_week,
            line.school_weeks,
            line.required,
            line.planned,
            line.delivered,
            line.rate,
            YES if line.below else "",
            *((line.confirmed, line.disagree) if report.two_sources else ()),
        )
        for line in report.lines
    )
    footer: tuple[Cell, ...] = (TOTAL, "", "", None, None, report.required, None)
    footer += (report.delivered, report.rate, report.below)
    if report.two_sources:
        footer += (sum(line.confirmed for line in report.lines), len(report.disagreements))
    title = Label(
        f"开齐开足（完成率低于{report.threshold:.0%}标为未达标）",
        f"Courses offered in full (below {report.threshold:.0%} is flagged)",
    )
    return Table(
        name="kaiqi",
        title=_dated(title, report.period, report.scope),
        columns=KAIQI_COLUMNS + (PLATFORM_COLUMNS if report.two_sources else ()),
        rows=rows,
        footer=footer,
    )


def evidence_table(report: KaiqiReport) -> Table:
    """Each classroom lesson where the assistant's check-in and the platform disagree."""
    rows = tuple(
        (
            line.date.isoformat(),
            line.classroom,
            line.subject,
            platform_label(line.provider),
            DISAGREEMENT_LABELS[line.kind],
            line.lesson_key,
        )
        for line in report.disagreements
    )
    return Table(
        name="kaiqi-evidence",
        title=_dated(
            Label("签到与平台记录不一致", "Check-ins the platform disagrees with"),
            report.period,
            report.scope,
        ),
        columns=(
            Column("date", Label("日期", "Date"), Kind.TEXT),
            Column("classroom", Label("班级", "Classroom"), Kind.TEXT),
            Column("subject", Label("学科", "Subject"), Kind.TEXT),
            Column("platform", Label("平台", "Platform"), Kind.TEXT),
            Column("disagreement", Label("不一致", "Disagreement"), Kind.TEXT),
            Column("lesson", Label("课次", "Lesson"), Kind.TEXT),
        ),
        rows=rows,
    )


def causes_table(lines: tuple[CauseLine, ...], period: Period) -> Table:
    """Failed classroom lessons per cause."""
    return Table(
        name="failures-by-cause",
        title=_dated(Label("失败原因", "Failures by cause"), period, None),
        columns=(
            Column("cause", Label("原因", "Cause"), Kind.TEXT),
            Column("count", Label("失败课次", "Failed lessons")),
        ),
        rows=tuple((line.label, line.count) for line in lines),
    )


def _dated(title: Label, period: Period, scope: ScopeFilter | None) -> Label:
    span = f"{period.first.isoformat()} – {period.last.isoformat()}"
    where = f" {scope.kind.value}:{scope.id}" if scope else ""
    return Label(f"{title.zh} {span}{where}", f"{title.en} {span}{where}")
