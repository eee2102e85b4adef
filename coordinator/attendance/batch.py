"""Plan a batch of check-ins in arrival order, as if each ran alone; the store then writes it.

The planner is pure: it gets what the store holds for the batch (tokens, earlier answers,
lessons, reports) and returns each request's answer or error plus the rows to write. It updates
its own view as it goes, so two requests in one batch behave exactly as two in a row: the same
key twice replays, a second check-in for the same classroom is a correction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coordinator.attendance.answers import (
    Answer,
    Outcome,
    Recorded,
    StoredAnswer,
    problem_id,
    report_body,
)
from coordinator.attendance.errors import (
    AuthenticationError,
    CorrectionClosedError,
    IdempotencyKeyReusedError,
)
from coordinator.attendance.reports import Report
from coordinator.attendance.timing import LessonTimes, Policy, Timing, classify
from coordinator.errors import CoordinatorError, NotFoundError

Slot = tuple[str, str, str]  # lesson key, classroom id, kind
KeyOf = tuple[str, str]  # assistant id, idempotency key


@dataclass(frozen=True, slots=True)
class Submission:
    """One report as the web layer read it: from the API (a token) or from a signed-in page
    (an assistant the page already authenticated)."""

    token_hash: str
    key: str
    fingerprint: str
    report: Report
    received_at: dt.datetime
    assistant_id: str | None = None  # set by callers that authenticated the assistant already


@dataclass(frozen=True, slots=True)
class Scope:
    """A lesson as one of its classrooms sees it, and whose that classroom is."""

    lesson: LessonTimes
    assistant_id: str


@dataclass(frozen=True, slots=True)
class Correction:
    """One line of the audit log: who changed which report, when, from what to what."""

    slot: Slot
    assistant_id: str
    corrected_at: dt.datetime
    revision: int
    before: dict[str, object]
    after: dict[str, object]
    key: str


@dataclass(frozen=True, slots=True)
class ProblemRecord:
    id: str
    report: Report
    assistant_id: str
    timing: Timing
    key: str


@dataclass(slots=True)
class Lookups:
    """What the store holds that the batch's requests touch."""

    assistants: dict[str, str]  # token hash -> assistant id (valid tokens only)
    answers: dict[KeyOf, StoredAnswer]
    scopes: dict[tuple[str, str], Scope]  # (lesson key, classroom id)
    recorded: dict[Slot, Recorded]


@dataclass(slots=True)
class BatchPlan:
    results: list[Answer | CoordinatorError] = field(default_factory=list)
    answers: dict[KeyOf, StoredAnswer] = field(default_factory=dict)
    inserted: dict[Slot, Recorded] = field(default_factory=dict)
    updated: dict[Slot, tuple[int, Recorded]] = field(default_factory=dict)  # old revision
    corrections: list[Correction] = field(default_factory=list)
    problems: list[ProblemRecord] = field(default_factory=list)


def plan_batch(submissions: list[Submission], lookups: Lookups, policy: Policy) -> BatchPlan:
    plan = BatchPlan()
    for submission in submissions:
        try:
            plan.results.append(_plan_one(submission, lookups, plan, policy))
        except CoordinatorError as error:
            plan.results.append(error)
    return plan


def _plan_one(sub: Submission, lookups: Lookups, plan: BatchPlan, policy: Policy) -> Answer:
    assistant_id = sub.assistant_id or lookups.assistants.get(sub.token_hash)
    if assistant_id is None:
        raise AuthenticationError("the API token is unknown or was revoked")
    stored = lookups.answers.get((assistant_id, sub.key))
    if stored is not None:
        return replay(stored, sub)
    report = sub.report
    scope = lookups.scopes.get((report.lesson_key, report.classroom_id))
    if scope is None or scope.assistant_id != assistant_id:
        raise NotFoundError(
            f"lesson {report.lesson_key!r} in classroom {report.classroom_id!r} "
            "is not one of your lessons"
        )
    timing = classify(report, scope.lesson, sub.received_at, policy)
    if report.kind.one_per_lesson:
        answer = _attendance(sub, assistant_id, scope, timing, lookups, plan, policy)
    else:
        answer = _problem(sub, assistant_id, timing, plan)
    stored = StoredAnswer(sub.fingerprint, answer.status, answer.body, sub.received_at)
    lookups.answers[(assistant_id, sub.key)] = plan.answers[(assistant_id, sub.key)] = stored
    return answer


def replay(stored: StoredAnswer, sub: Submission) -> Answer:
    """The first answer again (200), or 422 when the key came with a different request."""
    if stored.fingerprint != sub.fingerprint:
        raise IdempotencyKeyReusedError(
            f"Idempotency-Key {sub.key!r} was used at {stored.created_at.isoformat()} for a "
            "different request; send a new key with a new report"
        )
    return Answer(200, stored.body, replayed=True)


def _problem(sub: Submission, assistant_id: str, timing: Timing, plan: BatchPlan) -> Answer:
    record = ProblemRecord(
        problem_id(assistant_id, sub.key), sub.report, assistant_id, timing, sub.key
    )
    plan.problems.append(record)
    body = report_body(
        Outcome.RECORDED, sub.report.slot, sub.report.fields, timing, report_id=record.id
    )
    return Answer(201, body)


def _attendance(
    sub: Submission,
    assistant_id: str,
    scope: Scope,
    timing: Timing,
    lookups: Lookups,
    plan: BatchPlan,
    policy: Policy,
) -> Answer:
    slot, fields = sub.report.slot, sub.report.fields
    current = lookups.recorded.get(slot)
    if current is None:
        current = Recorded(assistant_id, fields, timing, sub.key)
        lookups.recorded[slot] = plan.inserted[slot] = current
        return Answer(201, report_body(Outcome.RECORDED, slot, fields, current.timing))
    if current.fields == fields:
        body = report_body(
            Outcome.UNCHANGED, slot, fields, current.timing, revision=current.revision
        )
        return Answer(201, body)
    _check_window(slot, current, scope.lesson, sub.received_at, policy)
    _correct(slot, current, sub, assistant_id, plan)
    body = report_body(Outcome.CORRECTED, slot, fields, current.timing, revision=current.revision)
    return Answer(201, body)


def _check_window(
    slot: Slot, current: Recorded, lesson: LessonTimes, now: dt.datetime, policy: Policy
) -> None:
    """Corrections are open until the window has passed since the lesson end or first report."""
    closes = max(lesson.end, current.timing.received_at) + policy.correction_window
    if now > closes:
        raise CorrectionClosedError(
            f"the {slot[2]} for lesson {slot[0]!r} in classroom {slot[1]!r} was recorded at "
            f"{current.timing.received_at.isoformat()}; corrections closed at "
            f"{closes.isoformat()}; ask the county administrator to change it"
        )


def _correct(
    slot: Slot, current: Recorded, sub: Submission, assistant_id: str, plan: BatchPlan
) -> None:
    kind = sub.report.kind
    if slot not in plan.inserted and slot not in plan.updated:
        plan.updated[slot] = (current.revision, current)
    before = current.fields.as_json(kind)
    current.fields, current.key = sub.report.fields, sub.key
    current.revision += 1
    current.corrected_at = sub.received_at
    plan.corrections.append(
        Correction(
            slot,
            assistant_id,
            sub.received_at,
            current.revision,
            before,
            current.fields.as_json(kind),
            sub.key,
        )
    )
