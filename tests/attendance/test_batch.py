"""The batch planner: requests in one batch behave exactly as the same requests in a row."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from coordinator.attendance import (
    AuthenticationError,
    CorrectionClosedError,
    IdempotencyKeyReusedError,
    LessonTimes,
    Lookups,
    Policy,
    Recorded,
    ReportFields,
    Scope,
    Submission,
    fingerprint,
    parse_report,
    plan_batch,
)
from coordinator.attendance.rows import attendance_rows, problem_rows
from coordinator.errors import NotFoundError

START = dt.datetime(2026, 11, 23, 1, 10, tzinfo=dt.UTC)
NOW = START + dt.timedelta(minutes=2)
LESSON = LessonTimes("s@2026-11-23", START, START + dt.timedelta(minutes=40))
SLOT = (LESSON.key, "c-1", "check_in")


def submission(
    students: int = 30,
    key: str = "k-1",
    token: str = "t-li",
    kind: str = "check_in",
    now: dt.datetime = NOW,
) -> Submission:
    fields: dict[str, object] = {"stream_up": True, "students_present": students}
    if kind == "problem":
        fields = {"problem": "no_signal"}
    body = {
        "lesson_key": LESSON.key,
        "classroom_id": "c-1",
        "kind": kind,
        "device_time": NOW.isoformat(),
        "fields": fields,
    }
    return Submission(token, key, fingerprint("POST", "/c", body), parse_report(body), now)


def lookups(**changes: object) -> Lookups:
    base = Lookups(
        assistants={"t-li": "a-li", "t-zhao": "a-zhao"},
        answers={},
        scopes={(LESSON.key, "c-1"): Scope(LESSON, "a-li")},
        recorded={},
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_first_check_in_is_recorded() -> None:
    plan = plan_batch([submission()], lookups(), Policy())
    [answer] = plan.results
    assert (getattr(answer, "status", None), list(plan.inserted), len(plan.answers)) == (
        201,
        [SLOT],
        1,
    )
    assert attendance_rows(plan)[0]["students_present"] == 30


def test_same_key_twice_in_one_batch_replays() -> None:
    plan = plan_batch([submission(), submission()], lookups(), Policy())
    first, second = plan.results
    assert (getattr(second, "status", None), getattr(second, "replayed", None)) == (200, True)
    assert getattr(first, "body", None) == getattr(second, "body", None)
    assert len(plan.inserted) == 1


def test_same_key_other_body_in_one_batch_is_refused() -> None:
    plan = plan_batch([submission(30), submission(31)], lookups(), Policy())
    assert isinstance(plan.results[1], IdempotencyKeyReusedError)


def test_correction_in_the_same_batch_inserts_final_values_and_audits() -> None:
    plan = plan_batch([submission(30), submission(28, key="k-2")], lookups(), Policy())
    [row] = attendance_rows(plan)
    [audit] = plan.corrections
    assert (row["students_present"], row["revision"], row["idempotency_key"]) == (28, 1, "k-2")
    assert (audit.before["students_present"], audit.after["students_present"]) == (30, 28)
    assert plan.updated == {}


def test_correction_of_a_stored_report_remembers_its_old_revision() -> None:
    stored = plan_batch([submission(30)], lookups(), Policy()).inserted[SLOT]
    plan = plan_batch([submission(28, key="k-2")], lookups(recorded={SLOT: stored}), Policy())
    old_revision, recorded = plan.updated[SLOT]
    assert (old_revision, recorded.revision, recorded.fields) == (0, 1, ReportFields(28, True))


def test_same_report_under_a_new_key_changes_nothing() -> None:
    stored = Recorded(
        "a-li",
        ReportFields(30, True),
        plan_batch([submission()], lookups(), Policy()).inserted[SLOT].timing,
        "k",
    )
    late = NOW + dt.timedelta(days=3)
    plan = plan_batch([submission(key="k-2", now=late)], lookups(recorded={SLOT: stored}), Policy())
    assert (getattr(plan.results[0], "body", {}).get("outcome"), plan.updated) == ("unchanged", {})


def test_correction_after_the_window_is_refused() -> None:
    stored = plan_batch([submission(30)], lookups(), Policy()).inserted[SLOT]
    late = LESSON.end + dt.timedelta(hours=25)
    plan = plan_batch(
        [submission(28, key="k-2", now=late)], lookups(recorded={SLOT: stored}), Policy()
    )
    assert isinstance(plan.results[0], CorrectionClosedError)
    assert (plan.answers, plan.corrections) == ({}, [])


@pytest.mark.parametrize(
    ("sub", "error"),
    [
        pytest.param(submission(token="t-gone"), AuthenticationError, id="unknown-token"),
        pytest.param(submission(token="t-zhao"), NotFoundError, id="not-their-classroom"),
    ],
)
def test_refusals_write_nothing(sub: Submission, error: type[Exception]) -> None:
    plan = plan_batch([sub], lookups(), Policy())
    assert (type(plan.results[0]), plan.answers, plan.inserted) == (error, {}, {})


def test_problems_get_ids_stable_per_key() -> None:
    plan = plan_batch(
        [submission(kind="problem"), submission(kind="problem", key="k-2")], lookups(), Policy()
    )
    again = plan_batch([submission(kind="problem")], lookups(), Policy())
    ids = [row["id"] for row in problem_rows(plan)]
    assert (len(set(ids)), problem_rows(again)[0]["id"]) == (2, ids[0])


def test_a_page_may_name_the_assistant_it_signed_in() -> None:
    signed_in = dataclasses.replace(submission(token=""), assistant_id="a-li")
    plan = plan_batch([signed_in], lookups(), Policy())
    assert getattr(plan.results[0], "status", None) == 201
