"""Scale: lesson options from bit masks, and the time limit kept on a larger tight instance."""

from __future__ import annotations

import time

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, build_problem, solve, validate_plan
from coordinator.timetable.greedy import (
    _flexibility,
    _score,
    drafts_of,
    fill_pinned,
    greedy,
    new_state,
)
from coordinator.timetable.options import Weights
from coordinator.timetable.plan import Draft

from .factories import with_options

HANG_S = 300  # a ceiling that catches a solve ignoring its limit; timing is in benchmarks/


@pytest.fixture(scope="module")
def district_part() -> Problem:
    bundle = generate_bundle(classrooms=120, teachers=40, seed=2, profile="tight")
    return build_problem(bundle, with_options())


def _by_definition(problem: Problem, need: int, teachers: set[int] | None) -> list[tuple[int, int]]:
    """Qualified (and listed) teachers x the classroom's fitting slots the teacher is free for."""
    fit = problem.fits[problem.needs[need].classroom]
    return [
        (t, s)
        for t in problem.qualified[need]
        if teachers is None or t in teachers
        for s in fit
        if s in problem.free[t]
    ]


def test_options_for_equals_its_definition_in_the_same_order(district_part: Problem) -> None:
    problem = district_part
    total = 0
    for need in range(len(problem.needs)):
        nearby = set(problem.nearby[need])
        assert problem.options_for(need) == _by_definition(problem, need, None)
        assert problem.options_for(need, nearby) == _by_definition(problem, need, nearby)
        total += len(problem.options_for(need))
    assert total > 10 * len(problem.needs)  # the instance has options to get wrong


def test_solve_with_a_tiny_limit_returns_a_valid_plan_with_every_shortfall_explained(
    district_part: Problem,
) -> None:
    started = time.monotonic()
    plan = solve(district_part, time_limit_s=0.2)
    assert time.monotonic() - started < HANG_S
    assert validate_plan(district_part, plan) == []
    missing = sum(unmet.periods for unmet in plan.unmet)
    assert plan.stats.delivered_periods > 0
    assert plan.stats.delivered_periods + missing == plan.stats.demand_periods


def _reference_greedy(problem: Problem) -> list[Draft]:
    """The period-by-period greedy by definition: every option listed and tested one by one."""
    state = new_state(problem)
    fill_pinned(state)
    order = sorted(range(len(problem.needs)), key=lambda n: (_flexibility(problem, n), n))
    for need in order:
        info = problem.needs[need]
        room, band = info.classroom, problem.classrooms[info.classroom].band
        while state.delivered[need] < info.periods:
            best: tuple[float, int, int] | None = None
            for pool in (problem.nearby[need], None):
                for teacher, slot in problem.options_for(need, pool):
                    key = (teacher, info.subject_id, slot, band)
                    joining = key in state.sessions
                    if not state.room_free(room, slot):
                        continue
                    if joining and not state.fits_session(key, room):
                        continue
                    if not joining and not state.teacher_free(teacher, slot):
                        continue
                    score = _score(state, need, teacher, slot, joining)
                    if best is None or score > best[0]:
                        best = (score, teacher, slot)
                if best is not None:
                    break
            if best is None:
                break
            _, teacher, slot = best
            key = (teacher, info.subject_id, slot, band)
            if key not in state.sessions:
                state.sessions[key] = []
                state.book_teacher(teacher, slot)
            state.sessions[key].append(room)
            state.book_room(need, room, slot, teacher)
    return drafts_of(state)


@pytest.mark.parametrize(
    ("classrooms", "teachers", "seed", "weights"),
    [
        (60, 25, 0, Weights()),
        (60, 25, 1, Weights()),
        (120, 40, 2, Weights()),
        (60, 25, 0, Weights(session=0, same_day=0)),  # every kind of option ties: slot order
    ],
)
def test_the_masked_greedy_places_exactly_what_testing_every_option_places(
    classrooms: int, teachers: int, seed: int, weights: Weights
) -> None:
    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed, profile="tight")
    problem = build_problem(bundle, with_options(weights=weights))
    drafts = greedy(problem)
    assert sorted(map(repr, drafts)) == sorted(map(repr, _reference_greedy(problem)))
    assert sum(len(d.classrooms) for d in drafts) > problem.demand_periods // 3
