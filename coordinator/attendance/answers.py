"""What the API answers about a report: one JSON shape, stored so that retries get it again."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from coordinator.attendance.reports import ReportFields, ReportKind
from coordinator.attendance.timing import Timing


class Outcome(StrEnum):
    RECORDED = "recorded"  # the first report of its kind for the lesson and classroom
    CORRECTED = "corrected"  # a different report replaced the one before (audited)
    UNCHANGED = "unchanged"  # the same report again under a new key: nothing to change


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The first answer to an idempotency key, replayed to every retry with the same body."""

    fingerprint: str
    status: int
    body: dict[str, Any]
    created_at: dt.datetime


@dataclass(slots=True)
class Recorded:
    """A check-in or end report as it stands: the first report's times, the newest fields."""

    assistant_id: str
    fields: ReportFields
    timing: Timing
    key: str
    revision: int = 0
    corrected_at: dt.datetime | None = None


def problem_id(assistant_id: str, key: str) -> str:
    """A problem report's id, the same for every retry of the request that made it."""
    return hashlib.sha256(f"{assistant_id}\0{key}".encode()).hexdigest()[:32]


def report_body(
    outcome: Outcome,
    slot: tuple[str, str, str],
    fields: ReportFields,
    timing: Timing,
    *,
    revision: int = 0,
    report_id: str | None = None,
) -> dict[str, Any]:
    lesson_key, classroom_id, kind = slot
    report: dict[str, Any] = {
        "kind": kind,
        "lesson_key": lesson_key,
        "classroom_id": classroom_id,
        "fields": fields.as_json(ReportKind(kind)),
        "device_time": timing.device_time.isoformat(),
        "received_at": timing.received_at.isoformat(),
        "skew_seconds": timing.skew_seconds,
        "late": timing.late,
        "revision": revision,
    }
    if report_id is not None:
        report["id"] = report_id
    return {"outcome": outcome.value, "report": report}
