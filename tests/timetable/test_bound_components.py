"""The LP bound by independent components: exactly the whole LP, one component at a time."""

from __future__ import annotations

import math
from typing import Any

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.domain import Bundle, Region, School
from coordinator.enums import SchoolKind
from coordinator.timetable import Problem, build_problem, greedy_plan, lp_bound, quick_bound
from coordinator.timetable import bound as bound_module
from coordinator.timetable.bound import components, lp_bounds_by_component, whole_lp_value
from coordinator.timetable.scope import full_scope

from .factories import (
    DEFAULT_SCHOOLS,
    daily,
    make_bundle,
    need,
    room,
    solved,
    teacher,
    with_options,
)

TWO_PERIODS = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1,))


@pytest.fixture(scope="module")
def tight() -> Problem:
    """A small tight county whose subjects split into two teacher pools."""
    bundle = generate_bundle(classrooms=20, teachers=8, seed=0, profile="tight")
    return build_problem(bundle, with_options(time_limit_s=3.0))


@pytest.fixture(scope="module")
def two_regions(two_region_bundle: Bundle) -> Problem:
    return build_problem(two_region_bundle, with_options())


@pytest.fixture(scope="module")
def two_region_bundle() -> Bundle:
    """Two regions: music grade 3 in the county, art grade 5 in the north; nothing shared."""
    north = School("r9", "r9", SchoolKind.RURAL, "north", "rural", "Asia/Shanghai")
    return make_bundle(
        teachers=[
            teacher("t1", per_week=3),
            teacher("t2", per_week=2),
            teacher("t3", subjects=("art",), grades=(5,), per_week=1),
        ],
        classrooms=[
            room("c1"),
            room("c2"),
            room("c3", assistant="a-c1"),  # one assistant, two rooms
            room("c9", school_id="r9", grade=5),
        ],
        needs=[need("c1", periods=3), need("c2", periods=2), need("c3"), need("c9", "art", 4)],
        periods=TWO_PERIODS,
        schools=(*DEFAULT_SCHOOLS, north),
        regions=(Region("county", "county"), Region("north", "north")),
    )


def test_two_regions_split_into_their_needs_teachers_and_assistants(two_regions: Problem) -> None:
    parts = components(two_regions)

    rooms = [
        {two_regions.classrooms[two_regions.needs[n].classroom].id for n in c.needs} for c in parts
    ]
    teachers = [{two_regions.teachers[t].id for t in c.teachers} for c in parts]
    assert rooms == [{"c9"}, {"c1", "c2", "c3"}]
    assert teachers == [{"t3"}, {"t1", "t2"}]
    assert [set(c.assistants) for c in parts] == [{"a-c9"}, {"a-c1", "a-c2"}]


def test_components_sum_to_the_whole_lp(two_regions: Problem, tight: Problem) -> None:
    for problem in (two_regions, tight):
        parts = lp_bounds_by_component(problem, 30.0)
        whole = whole_lp_value(problem, 30.0)

        assert len(parts) >= 2
        assert whole is not None
        assert all(p.lp is not None for p in parts)
        assert sum(p.lp or 0.0 for p in parts) == pytest.approx(whole, abs=1e-6)
        # each component floored on its own: never above the whole LP's floor, and valid
        assert lp_bound(problem) == sum(min(p.counting, math.floor(p.lp or 0.0)) for p in parts)
        assert lp_bound(problem) <= math.floor(whole + 1e-6)


def test_lp_bound_lies_between_a_plan_and_the_counting_bound(tight: Problem) -> None:
    bound = lp_bound(tight)

    assert greedy_plan(tight).stats.delivered_periods <= bound < quick_bound(tight)
    assert bound == 66  # 18 + floor(48.75); the whole LP is 66.75


def test_two_regions_bound_is_the_optimum_below_the_counting_bound(
    two_regions: Problem, two_region_bundle: Bundle
) -> None:
    # two live periods: a-c1 (rooms c1, c3) and a-c2 take two lessons each, the north's art
    # teacher gives one session a week; counting sees the north's two periods, not the teacher
    _, plan = solved(two_region_bundle)

    assert plan.status == "OPTIMAL"
    assert plan.stats.delivered_periods == lp_bound(two_regions) == 5 < quick_bound(two_regions)
    assert quick_bound(two_regions) == 6


def test_no_time_falls_back_to_each_counting_bound(tight: Problem) -> None:
    parts = lp_bounds_by_component(tight, 0.0)

    assert [p.lp for p in parts] == [None, None]
    assert [p.bound for p in parts] == [p.counting for p in parts]
    assert sum(p.bound for p in parts) == quick_bound(tight)


def test_a_component_that_times_out_counts_with_its_counting_bound(
    tight: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve_lp = bound_module._lp_value
    largest = max(len(c.needs) for c in components(tight))

    def slow_on_the_largest(problem: Problem, scope: Any, limit: float) -> float | None:
        return None if len(scope.needs) == largest else solve_lp(problem, scope, limit)

    monkeypatch.setattr(bound_module, "_lp_value", slow_on_the_largest)
    parts = lp_bounds_by_component(tight, 30.0)

    assert [(p.lp, p.bound) for p in parts] == [(18.0, 18), (None, 56)]
    assert lp_bound(tight) == 18 + 56


def test_pdlp_dual_bound_is_valid_and_close_to_the_lp_optimum(tight: Problem) -> None:
    exact = whole_lp_value(tight, 30.0)
    proven = bound_module._lp_value(tight, full_scope(tight), 30.0, method="PDLP")

    assert exact is not None
    assert proven is not None
    assert exact - 1e-6 <= proven <= exact + 0.05


def test_any_multipliers_prove_a_bound_at_or_above_the_optimum() -> None:
    # max x0 + x1 + x2 over x0 + x1 <= 1, x1 + x2 <= 1, x in [0, 1]: optimum 2 (x0 = x2 = 1)
    spans = [(0.0, 1.0)] * 3
    rows: list[bound_module.Row] = [
        (-math.inf, 1.0, [(0, 1.0), (1, 1.0)]),
        (-math.inf, 1.0, [(1, 1.0), (2, 1.0)]),
    ]
    gains = [1.0, 1.0, 1.0]

    assert bound_module._dual_bound(spans, rows, gains, [1.0, 1.0]) == pytest.approx(2.0)
    assert bound_module._dual_bound(spans, rows, gains, [0.0, 0.0]) == pytest.approx(3.0)
    assert bound_module._dual_bound(spans, rows, gains, [0.25, 0.25]) == pytest.approx(2.5)
    # a sign no <= row can take is clipped to zero instead of proving too little
    assert bound_module._dual_bound(spans, rows, gains, [-5.0, 1.0]) == pytest.approx(2.0)


def test_a_component_too_large_to_relax_is_counted(
    tight: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bound_module, "LP_MAX_OPTIONS", 0)

    assert [p.lp for p in lp_bounds_by_component(tight, 30.0)] == [None, None]
    assert lp_bound(tight) == quick_bound(tight)
