"""Why a check-in is refused: each error names the field or the rule it broke."""

from __future__ import annotations

from coordinator.errors import CoordinatorError


class ReportError(CoordinatorError):
    """A report that cannot be read; `field` names the part of the body at fault."""

    code = "invalid_report"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ImplausibleReportError(ReportError):
    """A readable report whose times cannot be true (a clock years off, a lesson days away)."""

    code = "implausible_report"


class IdempotencyKeyError(CoordinatorError):
    """The Idempotency-Key header is missing or not a usable key."""

    code = "idempotency_key_missing"


class InvalidIdempotencyKeyError(IdempotencyKeyError):
    """The Idempotency-Key header is too long or not printable ASCII."""

    code = "idempotency_key_invalid"


class IdempotencyKeyReusedError(CoordinatorError):
    """The key was already used for a different request by the same assistant."""

    code = "idempotency_key_reused"


class CorrectionClosedError(CoordinatorError):
    """A different report for a lesson whose correction window has closed."""

    code = "correction_window_closed"


class AuthenticationError(CoordinatorError):
    """No token, an unknown one, or one that was revoked."""

    code = "unauthorized"
