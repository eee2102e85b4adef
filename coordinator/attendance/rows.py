"""A batch plan as plain rows (dicts named like the store's columns), and stored rows back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coordinator.attendance.answers import Recorded, StoredAnswer
from coordinator.attendance.batch import BatchPlan
from coordinator.attendance.reports import ReportFields, StreamQuality
from coordinator.attendance.timing import Timing


def answer_rows(plan: BatchPlan) -> list[dict[str, Any]]:
    return [
        {
            "assistant_id": assistant_id,
            "key": key,
            "fingerprint": stored.fingerprint,
            "status": stored.status,
            "body": stored.body,
            "created_at": stored.created_at,
        }
        for (assistant_id, key), stored in plan.answers.items()
    ]


def attendance_rows(plan: BatchPlan) -> list[dict[str, Any]]:
    return [
        {
            "lesson_key": lesson_key,
            "classroom_id": classroom_id,
            "kind": kind,
            "assistant_id": recorded.assistant_id,
            **_timing(recorded.timing),
            **correction_values(recorded),
        }
        for (lesson_key, classroom_id, kind), recorded in plan.inserted.items()
    ]


def correction_values(recorded: Recorded) -> dict[str, Any]:
    """The columns a correction changes."""
    fields = recorded.fields
    return {
        "students_present": fields.students_present,
        "stream_up": fields.stream_up,
        "stream_quality": fields.stream_quality.value if fields.stream_quality else None,
        "teacher_showed": fields.teacher_showed,
        "note": fields.note,
        "revision": recorded.revision,
        "idempotency_key": recorded.key,
        "corrected_at": recorded.corrected_at,
    }


def correction_rows(plan: BatchPlan) -> list[dict[str, Any]]:
    return [
        {
            "lesson_key": c.slot[0],
            "classroom_id": c.slot[1],
            "kind": c.slot[2],
            "assistant_id": c.assistant_id,
            "corrected_at": c.corrected_at,
            "revision": c.revision,
            "before": c.before,
            "after": c.after,
            "idempotency_key": c.key,
        }
        for c in plan.corrections
    ]


def problem_rows(plan: BatchPlan) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "lesson_key": p.report.lesson_key,
            "classroom_id": p.report.classroom_id,
            "assistant_id": p.assistant_id,
            "problem": str(p.report.fields.problem),
            "note": p.report.fields.note,
            **_timing(p.timing),
            "idempotency_key": p.key,
        }
        for p in plan.problems
    ]


def _timing(timing: Timing) -> dict[str, Any]:
    return {
        "device_time": timing.device_time,
        "received_at": timing.received_at,
        "skew_seconds": timing.skew_seconds,
        "late": timing.late,
    }


def recorded_from_row(row: Any) -> Recorded:
    """An attendance row (any object with its columns as attributes) as the planner sees it."""
    quality = row.stream_quality
    fields = ReportFields(
        students_present=row.students_present,
        stream_up=row.stream_up,
        stream_quality=StreamQuality(quality) if quality else None,
        teacher_showed=row.teacher_showed,
        note=row.note,
    )
    timing = Timing(row.device_time, row.received_at, row.skew_seconds, row.late)
    return Recorded(
        row.assistant_id, fields, timing, row.idempotency_key, row.revision, row.corrected_at
    )


def stored_from_row(row: Any) -> StoredAnswer:
    created_at: dt.datetime = row.created_at
    return StoredAnswer(row.fingerprint, row.status, row.body, created_at)
