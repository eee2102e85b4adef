"""A plan written as JSON reads back as the same plan (a job's stored result)."""

from __future__ import annotations

import dataclasses

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import build_problem, plan_to_json, solve
from coordinator.timetable.plan_json import plan_from_json

from .factories import TEST_OPTIONS


def test_plan_from_json_reads_back_what_plan_to_json_wrote() -> None:
    bundle = generate_bundle(classrooms=20, teachers=6, seed=2)
    problem = build_problem(bundle, dataclasses.replace(TEST_OPTIONS, time_limit_s=2.0))
    plan = solve(problem)
    again = plan_from_json(plan_to_json(plan))
    assert again.sessions == plan.sessions
    assert again.unmet == plan.unmet
    assert again.status == plan.status
    assert again.stats.delivered_periods == plan.stats.delivered_periods
    assert plan_to_json(again) == plan_to_json(plan)
