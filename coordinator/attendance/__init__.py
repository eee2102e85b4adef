"""Check-in rules, pure: reading reports, clocks and lateness, idempotency, batch planning."""

from coordinator.attendance.answers import Answer, Outcome, Recorded, StoredAnswer
from coordinator.attendance.batch import (
    BatchPlan,
    Correction,
    Lookups,
    ProblemRecord,
    Scope,
    Submission,
    plan_batch,
)
from coordinator.attendance.errors import (
    AuthenticationError,
    CorrectionClosedError,
    IdempotencyKeyError,
    IdempotencyKeyReusedError,
    ImplausibleReportError,
    InvalidIdempotencyKeyError,
    ReportError,
)
from coordinator.attendance.idempotency import fingerprint, parse_idempotency_key
from coordinator.attendance.reports import (
    Problem,
    Report,
    ReportFields,
    ReportKind,
    StreamQuality,
    parse_report,
)
from coordinator.attendance.timing import LessonTimes, Policy, Timing, classify

__all__ = [
    "Answer",
    "AuthenticationError",
    "BatchPlan",
    "Correction",
    "CorrectionClosedError",
    "IdempotencyKeyError",
    "IdempotencyKeyReusedError",
    "ImplausibleReportError",
    "InvalidIdempotencyKeyError",
    "LessonTimes",
    "Lookups",
    "Outcome",
    "Policy",
    "Problem",
    "ProblemRecord",
    "Recorded",
    "Report",
    "ReportError",
    "ReportFields",
    "ReportKind",
    "Scope",
    "StoredAnswer",
    "StreamQuality",
    "Submission",
    "Timing",
    "classify",
    "fingerprint",
    "parse_idempotency_key",
    "parse_report",
    "plan_batch",
]
