"""What the console's Reports page shows, as tables (also what its exports write) and charts.

Attendance adds two figures to the command-line table: classroom lessons nobody reported on
and the check-in rate. 开齐开足 adds, for each need under its target, what is known of why:
the timetable's shortfall with the solver's explanation, cancellations, failures and causes,
lessons not reported and lessons still to come.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from coordinator.reporting.attendance import (
    AttendanceLine,
    AttendanceReport,
    Dimension,
    attendance_report,
    failure_causes,
)
from coordinator.reporting.charts import Chart, Style, failure_chart, weekly_delivery_chart
from coordinator.reporting.facts import Facts, Label, ScopeFilter
from coordinator.reporting.kaiqi import DEFAULT_THRESHOLD, KaiqiLine, KaiqiReport, kaiqi_report
from coordinator.reporting.labels import CAUSE_LABELS, group_keys
from coordinator.reporting.outcomes import Cause, Outcome, outcomes
from coordinator.reporting.tables import (
    ATTENDANCE_COLUMNS,
    GROUP_NAMES,
    Cell,
    Column,
    Kind,
    Table,
    attendance_table,
    causes_table,
    kaiqi_table,
)

Pair = tuple[str, str]  # (classroom id, subject id)
NOT_REPORTED = Column("not_reported", Label("未报告", "Not reported"))
CHECK_IN_RATE = Column("check_in_rate", Label("签到率", "Check-in rate"), Kind.RATE)
REASON = Column("reason", Label("原因", "Reason"), Kind.TEXT)
PAGE_ORDER = (
    "planned",
    "due",
    "delivered",
    "failed",
    "not_reported",
    "cancelled",
    "checked_in",
    "check_in_rate",
    "delivery_rate",
    "students_average",
    "late_reports",
    "teacher_live",
)
WEEKLY_ORDER = ("due", "delivered", "failed", "not_reported", "delivery_rate")


class Section(StrEnum):
    """The page's tables, each exported on its own."""

    ATTENDANCE = "attendance"
    WEEKLY = "weekly"
    FAILURES = "failures"
    KAIQI = "kaiqi"


@dataclass(frozen=True, slots=True)
class UnmetNeed:
    """Periods a week of a need the current timetable could not place, and the solver's why."""

    classroom_id: str
    subject_id: str
    periods: int
    reason: Label


@dataclass(frozen=True, slots=True)
class Overview:
    attendance: Table
    weekly: Table
    failures: Table
    kaiqi: Table
    below: tuple[bool, ...]  # per 开齐开足 row: under the threshold
    weekly_chart: Chart
    failure_chart: Chart
    threshold: float = DEFAULT_THRESHOLD

    def table(self, section: Section) -> Table:
        tables = {
            Section.ATTENDANCE: self.attendance,
            Section.WEEKLY: self.weekly,
            Section.FAILURES: self.failures,
            Section.KAIQI: self.kaiqi,
        }
        return tables[section]


def overview(
    facts: Facts,
    by: Dimension,
    scope: ScopeFilter | None = None,
    unmet: Iterable[UnmetNeed] = (),
    threshold: float = DEFAULT_THRESHOLD,
) -> Overview:
    """Every table and chart of the page over one period's facts, narrowed to `scope`."""
    found = outcomes(facts, scope)
    report = attendance_report(facts, by, scope)
    weekly = attendance_report(facts, Dimension.WEEK, scope)
    causes = failure_causes(facts, scope)
    kaiqi = kaiqi_report(facts, scope, threshold)
    style = Style.LINE if len(weekly.lines) >= 3 else Style.BAR
    return Overview(
        attendance=attendance_page_table(report, _silent(found, by.value, facts)),
        weekly=weekly_table(weekly, _silent(found, "week", facts)),
        failures=causes_table(causes, facts.period),
        kaiqi=kaiqi_page_table(
            kaiqi, _tallies(found), {(u.classroom_id, u.subject_id): u for u in unmet}
        ),
        below=tuple(line.below for line in kaiqi.lines),
        weekly_chart=weekly_delivery_chart(weekly, style),
        failure_chart=failure_chart(causes),
        threshold=threshold,
    )


def silent(outcome: Outcome) -> bool:
    """Due, and the classroom neither reported it nor reported a failure: nobody said."""
    return outcome.due and not outcome.reported and not outcome.failed


def _silent(found: Sequence[Outcome], by: str, facts: Facts) -> Counter[str]:
    """Silent classroom lessons per group key; the total under the key ''."""
    counts: Counter[str] = Counter()
    for outcome in found:
        if silent(outcome):
            counts[""] += 1
            for key in group_keys(outcome, by, facts.catalog):
                counts[key] += 1
    return counts


def _columns(order: Sequence[str]) -> tuple[Column, ...]:
    known = {c.key: c for c in (*ATTENDANCE_COLUMNS, NOT_REPORTED, CHECK_IN_RATE)}
    return tuple(known[key] for key in order)


def _cells(line: AttendanceLine, order: Sequence[str], silent: int) -> tuple[Cell, ...]:
    values: dict[str, Cell] = {
        "planned": line.planned,
        "due": line.due,
        "delivered": line.delivered,
        "failed": line.failed,
        "not_reported": silent,
        "cancelled": line.cancelled,
        "checked_in": line.checked_in,
        "check_in_rate": line.checked_in / line.due if line.due else None,
        "delivery_rate": line.delivery_rate,
        "students_average": line.students_average,
        "late_reports": line.late_reports,
        "teacher_live": line.teacher_live,
    }
    return tuple(values[key] for key in order)


def attendance_page_table(report: AttendanceReport, silent: Counter[str]) -> Table:
    """One row per group (its name, then the counts and rates), then the total.

    "Teacher live" is left out when the period has no streaming callbacks at all (unknown).
    """
    group = Column("name", GROUP_NAMES[report.dimension.value], Kind.TEXT)
    order: tuple[str, ...] = PAGE_ORDER
    if report.total.teacher_live is None:
        order = tuple(key for key in PAGE_ORDER if key != "teacher_live")
    rows = tuple((line.label, *_cells(line, order, silent[line.key])) for line in report.lines)
    return Table(
        name=f"attendance-by-{report.dimension.value}",
        title=attendance_table(report).title,
        columns=(group, *_columns(order)),
        rows=rows,
        footer=(report.total.label, *_cells(report.total, order, silent[""])),
    )


def weekly_table(report: AttendanceReport, silent: Counter[str]) -> Table:
    """The numbers behind the weekly delivery chart."""
    week = Column("week", GROUP_NAMES["week"], Kind.TEXT)
    rows = tuple(
        (line.label, *_cells(line, WEEKLY_ORDER, silent[line.key])) for line in report.lines
    )
    span = f"{report.period.first.isoformat()} – {report.period.last.isoformat()}"
    return Table(
        name="weekly",
        title=Label(f"每周开课率 {span}", f"Weekly delivery rate {span}"),
        columns=(week, *_columns(WEEKLY_ORDER)),
        rows=rows,
        footer=(report.total.label, *_cells(report.total, WEEKLY_ORDER, silent[""])),
    )


@dataclass(slots=True)
class Tally:
    """What became of one need's classroom lessons besides being delivered."""

    cancelled: int = 0
    failed: int = 0
    causes: Counter[Cause] = field(default_factory=Counter)
    silent: int = 0
    upcoming: int = 0  # planned, not due yet


def _tallies(found: Sequence[Outcome]) -> defaultdict[Pair, Tally]:
    tallies: defaultdict[Pair, Tally] = defaultdict(Tally)
    for outcome in found:
        tally = tallies[(outcome.classroom_id, outcome.lesson.subject_id)]
        tally.cancelled += outcome.cancelled
        tally.failed += outcome.failed
        if outcome.failed:
            tally.causes.update(outcome.causes)
        tally.silent += silent(outcome)
        tally.upcoming += outcome.planned and not outcome.due
    return tallies


def kaiqi_page_table(
    report: KaiqiReport, tallies: defaultdict[Pair, Tally], unmet: dict[Pair, UnmetNeed]
) -> Table:
    """The 开齐开足 table with a reason for each need under its target."""
    base = kaiqi_table(report)
    rows = tuple(
        (*row, reason(line, tallies[(line.classroom_id, line.subject_id)], unmet) or "")
        for row, line in zip(base.rows, report.lines, strict=True)
    )
    footer = (*base.footer, "") if base.footer else None
    return Table(base.name, base.title, (*base.columns, REASON), rows, footer)


def reason(line: KaiqiLine, tally: Tally, unmet: dict[Pair, UnmetNeed]) -> Label | None:
    """Why a need is under its target, as far as the facts tell; None when on target."""
    if not line.below:
        return None
    parts: list[Label] = []
    short = unmet.get((line.classroom_id, line.subject_id))
    if short is not None:
        parts.append(
            Label(
                f"课表每周缺{short.periods}节：{short.reason.zh}",
                f"timetable short by {short.periods} a week: {short.reason.en}",
            )
        )
    elif line.planned < line.required:
        parts.append(Label(f"只排了{line.planned}节", f"only {line.planned} scheduled"))
    if tally.cancelled:
        parts.append(Label(f"{tally.cancelled}节取消", f"{tally.cancelled} cancelled"))
    if tally.failed:
        causes = [CAUSE_LABELS[cause] for cause in Cause if tally.causes[cause]]
        zh, en = "、".join(c.zh for c in causes), ", ".join(c.en for c in causes)
        parts.append(Label(f"{tally.failed}节失败（{zh}）", f"{tally.failed} failed ({en})"))
    if tally.silent:
        parts.append(Label(f"{tally.silent}节未报告", f"{tally.silent} not reported"))
    if tally.upcoming:
        parts.append(Label(f"{tally.upcoming}节尚未到时间", f"{tally.upcoming} still to come"))
    if not parts:
        return None
    return Label("；".join(p.zh for p in parts), "; ".join(p.en for p in parts))
