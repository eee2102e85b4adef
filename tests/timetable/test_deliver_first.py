"""Deliver first, then polish: the whole-model phases that end a solve on tight ground."""

from __future__ import annotations

import dataclasses
import math
import time

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, build_problem, solve, validate_plan
from coordinator.timetable.broadcasts import construct
from coordinator.timetable.deliver_first import (
    applies,
    deliver,
    deliver_then_polish,
    delivered_periods,
    polish,
)
from coordinator.timetable.plan import FEASIBLE, Draft
from coordinator.timetable.progress import SolveControl
from coordinator.timetable.scope import full_scope
from coordinator.timetable.score import plan_score, served_by
from coordinator.timetable.solve import finish

from .factories import with_options


@pytest.fixture(scope="module")
def county() -> Problem:
    """A tight county big enough that the construction leaves periods for CP-SAT to find."""
    bundle = generate_bundle(classrooms=24, teachers=8, seed=2, profile="tight")
    return build_problem(bundle, with_options(num_workers=2, deterministic_time=None))


@pytest.fixture(scope="module")
def constructed(county: Problem) -> list[Draft]:
    return construct(county, math.inf, improve=False)


def _splits(problem: Problem, drafts: list[Draft]) -> int:
    return sum(len(t) - 1 for t in served_by(problem, drafts).teachers_of.values())


def _valid(problem: Problem, drafts: list[Draft]) -> None:
    plan = finish(problem, drafts, FEASIBLE, started=time.monotonic(), bound=False)
    assert validate_plan(problem, plan) == []


def test_deliver_finds_periods_the_construction_left_and_keeps_the_plan_valid(
    county: Problem, constructed: list[Draft]
) -> None:
    found = deliver(county, full_scope(county), constructed, time.monotonic() + 4.0)

    _valid(county, found)
    before = delivered_periods(county, constructed)
    assert delivered_periods(county, found) > before
    # its objective weighs a period above any number of split needs the period costs
    weights = county.options.weights
    gain = weights.delivered * (delivered_periods(county, found) - before)
    assert gain - weights.continuity * (_splits(county, found) - _splits(county, constructed)) > 0


def test_polish_never_gives_back_a_period_and_raises_the_full_score(
    county: Problem, constructed: list[Draft]
) -> None:
    found = deliver(county, full_scope(county), constructed, time.monotonic() + 3.0)

    polished = polish(county, full_scope(county), found, time.monotonic() + 3.0)

    _valid(county, polished)
    assert delivered_periods(county, polished) >= delivered_periods(county, found)
    assert plan_score(county, polished) >= plan_score(county, found)


def test_with_no_time_left_the_phases_return_the_plan_they_were_given(
    county: Problem, constructed: list[Draft]
) -> None:
    scope = full_scope(county)

    assert deliver_then_polish(county, scope, constructed, time.monotonic()) is constructed
    assert polish(county, scope, constructed, time.monotonic() - 1.0) is constructed


def test_the_phases_apply_only_to_a_fresh_whole_model_solve(county: Problem) -> None:
    scope = full_scope(county)
    kept = dataclasses.replace(scope, keep=frozenset({(0, 0, 0)}))
    replay = dataclasses.replace(county, options=with_options(lns_steps=5))
    small = dataclasses.replace(county, options=with_options(deliver_first_max_options=10))

    assert applies(county, scope, 60.0)
    assert not applies(county, scope, 10.0)  # in a short solve the search alone does better
    assert not applies(county, kept, 60.0)  # a rebalance or keep-current solve keeps lessons
    assert not applies(replay, full_scope(replay), 60.0)  # a replay counts steps, not seconds
    assert not applies(small, full_scope(small), 60.0)  # too many options for one model


def test_a_controlled_solve_runs_the_phases_in_reported_steps(county: Problem) -> None:
    reports: list[tuple[str, int]] = []
    control = SolveControl(on_progress=lambda p: reports.append((p.phase, p.delivered)))
    county = dataclasses.replace(county, options=with_options(num_workers=2, deliver_first_min_s=5))
    started = time.monotonic()
    plan = solve(county, time_limit_s=8.0, control=control)

    assert validate_plan(county, plan) == []
    assert time.monotonic() - started < 8.0 + 1.0
    improving = [delivered for phase, delivered in reports if phase == "improve"]
    assert len(improving) >= 3  # the search's steps, then the whole-model phases' steps
    assert improving == sorted(improving)  # never a period given back between steps
    assert plan.stats.delivered_periods == improving[-1]
