"""Reading reports: every kind, and the first bad field named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from coordinator.attendance import (
    Problem,
    ReportError,
    ReportFields,
    ReportKind,
    StreamQuality,
    parse_report,
)


def body(kind: str = "check_in", **fields: Any) -> dict[str, Any]:
    return {
        "lesson_key": "s@2026-11-23",
        "classroom_id": "c-1",
        "kind": kind,
        "device_time": "2026-11-23T09:11:00+08:00",
        "fields": fields,
    }


def field_of(bad: object) -> str:
    with pytest.raises(ReportError) as caught:
        parse_report(bad)
    return caught.value.field


def test_check_in_is_read() -> None:
    report = parse_report(body(stream_up=True, students_present=30))
    assert (report.kind, report.fields, report.device_time.utcoffset()) == (
        ReportKind.CHECK_IN,
        ReportFields(30, True),
        dt.timedelta(hours=8),
    )


def test_end_report_is_read_with_trimmed_note() -> None:
    report = parse_report(
        body(
            "end_report",
            students_present=29,
            stream_quality="poor",
            teacher_showed=False,
            note=" 老师没来 ",
        )
    )
    assert report.fields == ReportFields(29, None, StreamQuality.POOR, False, None, "老师没来")


def test_problem_is_read_and_its_json_has_only_its_fields() -> None:
    report = parse_report(body("problem", problem="no_power"))
    assert (report.fields.problem, report.fields.as_json(report.kind)) == (
        Problem.NO_POWER,
        {"problem": "no_power", "note": ""},
    )


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        pytest.param([], "body", id="not-an-object"),
        pytest.param(
            {**body(stream_up=True, students_present=1), "extra": 1}, "extra", id="unknown-key"
        ),
        pytest.param(body("arrival", stream_up=True), "kind", id="unknown-kind"),
        pytest.param(body(stream_up=True), "fields.students_present", id="missing-field"),
        pytest.param(body(stream_up=None, students_present=1), "fields.stream_up", id="null-field"),
        pytest.param(
            body(stream_up=True, students_present=True),
            "fields.students_present",
            id="bool-is-not-a-count",
        ),
        pytest.param(
            body(stream_up=True, students_present=501),
            "fields.students_present",
            id="too-many-students",
        ),
        pytest.param(
            body(stream_up="yes", students_present=1), "fields.stream_up", id="not-a-flag"
        ),
        pytest.param(
            body(stream_up=True, students_present=1, problem="no_power"),
            "fields.problem",
            id="field-of-another-kind",
        ),
        pytest.param(body("problem", problem="other"), "fields.note", id="other-needs-note"),
        pytest.param(
            body("end_report", students_present=1, stream_quality="great", teacher_showed=True),
            "fields.stream_quality",
            id="bad-choice",
        ),
        pytest.param(
            {**body(stream_up=True, students_present=1), "lesson_key": ""},
            "lesson_key",
            id="empty-lesson",
        ),
        pytest.param(
            {**body(stream_up=True, students_present=1), "device_time": "09:11"},
            "device_time",
            id="not-a-time",
        ),
        pytest.param(
            {**body(stream_up=True, students_present=1), "device_time": "2026-11-23T09:11:00"},
            "device_time",
            id="no-offset",
        ),
        pytest.param(
            {**body(stream_up=True, students_present=1), "fields": "x"},
            "fields",
            id="fields-not-object",
        ),
    ],
)
def test_bad_report_names_its_field(bad: object, field: str) -> None:
    assert field_of(bad) == field
