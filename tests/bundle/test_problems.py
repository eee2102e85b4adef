"""Tests of Problem and BundleReport."""

from __future__ import annotations

import pytest

from coordinator.bundle import BundleReport, Problem

from .expected import SMALL_BUNDLE


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("error", "schools.csv", 3, "kind", "bad"), "schools.csv:3: kind: bad"),
        (Problem("error", "schools.csv", 1, None, "bad"), "schools.csv:1: bad"),
        (Problem("warning", "schools.csv", None, None, "bad"), "schools.csv: bad"),
        (Problem("error", "schools", None, "kind", "bad"), "schools: kind: bad"),
    ],
)
def test_problem_str_omits_missing_parts(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_bundle_report_splits_errors_and_warnings() -> None:
    error = Problem("error", "a.csv", 2, "id", "bad")
    warning = Problem("warning", "b.csv", 3, "id", "odd")

    report = BundleReport(None, [error, warning])

    assert report.errors == [error]
    assert report.warnings == [warning]
    assert not report.ok


def test_bundle_report_with_warnings_only_is_ok() -> None:
    report = BundleReport(SMALL_BUNDLE, [Problem("warning", "b.csv", 3, "id", "odd")])

    assert report.ok
