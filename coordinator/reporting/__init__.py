"""Reports (pure): attendance, 开齐开足, charts and exports computed from plain fact rows."""

from coordinator.reporting.attendance import (
    AttendanceLine,
    AttendanceReport,
    CauseLine,
    Dimension,
    attendance_report,
    failure_causes,
)
from coordinator.reporting.charts import (
    Chart,
    Style,
    chart_svg,
    failure_chart,
    weekly_delivery_chart,
)
from coordinator.reporting.export import (
    to_csv,
    to_json,
    to_jsonl,
    to_records,
    to_text,
    to_xlsx,
    to_xlsx_book,
)
from coordinator.reporting.facts import Facts, Label, Period, ReportError, ScopeFilter
from coordinator.reporting.kaiqi import DEFAULT_THRESHOLD, KaiqiLine, KaiqiReport, kaiqi_report
from coordinator.reporting.lessons import LESSON_COLUMNS, lessons_table
from coordinator.reporting.tables import Table, attendance_table, causes_table, kaiqi_table

__all__ = [
    "DEFAULT_THRESHOLD",
    "LESSON_COLUMNS",
    "AttendanceLine",
    "AttendanceReport",
    "CauseLine",
    "Chart",
    "Dimension",
    "Facts",
    "KaiqiLine",
    "KaiqiReport",
    "Label",
    "Period",
    "ReportError",
    "ScopeFilter",
    "Style",
    "Table",
    "attendance_report",
    "attendance_table",
    "causes_table",
    "chart_svg",
    "failure_causes",
    "failure_chart",
    "kaiqi_report",
    "kaiqi_table",
    "lessons_table",
    "to_csv",
    "to_json",
    "to_jsonl",
    "to_records",
    "to_text",
    "to_xlsx",
    "to_xlsx_book",
    "weekly_delivery_chart",
]
