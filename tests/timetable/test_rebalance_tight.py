"""Rebalance on tight ground: the busiest teacher leaves a shortage county for the week."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import (
    Plan,
    Problem,
    SolverOptions,
    TeacherUnavailable,
    apply_change,
    build_problem,
    greedy_plan,
    naive_repair,
    rebalance,
    validate_plan,
)
from coordinator.timetable.broadcasts import takers_of
from coordinator.timetable.greedy import extend
from coordinator.timetable.rebalance import _drafts, carry_over
from coordinator.timetable.repair import changed, lessons_of, repair

# Replayable: one worker, CP-SAT stopped by work units, a fixed number of small moves.
OPTIONS = SolverOptions(
    seed=0, num_workers=1, deterministic_time=0.5, lns_steps=1, rebalance_time_limit_s=120
)


@pytest.fixture(scope="module")
def county() -> tuple[Problem, Plan, TeacherUnavailable]:
    """The problem after the busiest teacher left, the plan before, and the change."""
    bundle = generate_bundle(classrooms=60, teachers=25, seed=0, profile="tight")
    previous = greedy_plan(build_problem(bundle, OPTIONS))
    busiest = Counter(s.teacher_id for s in previous.sessions).most_common(1)[0][0]
    change = TeacherUnavailable(busiest)
    after = apply_change(bundle, change)
    pinned = tuple(p for p in after.pinned_sessions if p.teacher_id != busiest)
    problem = build_problem(dataclasses.replace(after, pinned_sessions=pinned), OPTIONS)
    return problem, previous, change


def test_rebalance_tight_county_beats_the_naive_repair_within_two_percent_changed(
    county: tuple[Problem, Plan, TeacherUnavailable],
) -> None:
    problem, previous, change = county
    result = rebalance(problem, previous, change)
    naive = naive_repair(problem, previous)
    unaffected = sum(
        len(s.classroom_ids) for s in previous.sessions if s.teacher_id != change.teacher_id
    )

    assert validate_plan(problem, result.plan) == []
    assert validate_plan(problem, naive) == []
    assert result.plan.stats.delivered_periods > naive.stats.delivered_periods
    assert result.unaffected_changed <= 0.02 * unaffected
    assert not any(s.teacher_id == change.teacher_id for s in result.plan.sessions)


def test_repair_never_changes_more_than_its_budget_nor_delivers_less(
    county: tuple[Problem, Plan, TeacherUnavailable],
) -> None:
    problem, previous, _ = county
    valid, _ = carry_over(problem, previous)
    start = extend(problem, _drafts(problem, valid, set(range(len(problem.teachers)))))
    protected = lessons_of(_drafts(problem, valid, set()))

    for budget in (0, 2):
        repaired = repair(problem, start, protected, budget, takers_of(problem), 0.0)
        plan_before = naive_repair(problem, previous).stats.delivered_periods
        assert changed(protected, repaired) <= budget
        delivered = Counter((room, d.subject_id) for d in repaired for room in d.classrooms)
        assert (
            sum(min(delivered[(n.classroom, n.subject_id)], n.periods) for n in problem.needs)
            >= plan_before
        )
