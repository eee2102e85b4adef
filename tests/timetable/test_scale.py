"""Scale: lesson options from bit masks, and the time limit kept on a larger tight instance."""

from __future__ import annotations

import dataclasses
import time

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, broadcasts, build_problem, solve, validate_plan
from coordinator.timetable.build import _nearby
from coordinator.timetable.clock import local_weekday, overlaps
from coordinator.timetable.greedy import (
    _flexibility,
    _score,
    drafts_of,
    fill_pinned,
    greedy,
    new_state,
)
from coordinator.timetable.options import Weights
from coordinator.timetable.plan import GREEDY, Draft
from coordinator.timetable.solve import FINISH_S_PER_NEED, _finish_reserve, _slowdown, finish

from .factories import with_options

LOAD_SLACK_S = 2.0  # finishing on a loaded machine may run past the reserve by this much
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


def test_the_greedy_is_anytime_a_later_deadline_only_adds_to_a_valid_plan(
    district_part: Problem,
) -> None:
    problem = district_part
    started = time.monotonic()
    plans = [greedy(problem, started - 1.0), greedy(problem, started + 0.004), greedy(problem)]
    lessons = [
        {(d.teacher, d.slot, room) for d in drafts for room in d.classrooms} for drafts in plans
    ]
    assert lessons[0] < lessons[2]  # a past deadline places no period, the full run many
    assert lessons[0] <= lessons[1] <= lessons[2]  # the same order: a prefix of the placements
    for drafts in plans:
        plan = finish(problem, drafts, GREEDY, started=started, bound=False)
        missing = sum(unmet.periods for unmet in plan.unmet)
        assert plan.stats.delivered_periods + missing == plan.stats.demand_periods


def test_where_the_greedy_alone_builds_the_plan_it_gets_the_time_and_the_limit_holds(
    district_part: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(broadcasts, "BROADCAST_MAX_OPTIONS", 0)  # as at province scale
    full = finish(district_part, greedy(district_part), GREEDY, started=0.0, bound=False)
    started = time.monotonic()
    plan = solve(district_part, time_limit_s=1.0)
    assert time.monotonic() - started < 1.0 + LOAD_SLACK_S
    assert validate_plan(district_part, plan) == []
    assert plan.stats.delivered_periods >= full.stats.delivered_periods


def test_the_finish_reserve_grows_with_the_load_and_stays_within_half_the_limit(
    district_part: Problem,
) -> None:
    assert _slowdown(1.0, 0.001) == 1.0  # too short a timing to tell
    assert _slowdown(0.5, 0.25) == 2.0
    assert _slowdown(10.0, 0.1) == 4.0  # at most
    copies = 16_000 // len(district_part.needs) + 1
    province_sized = dataclasses.replace(district_part, needs=district_part.needs * copies)
    idle = _finish_reserve(province_sized, 20.0, 1.0)
    assert idle == pytest.approx(FINISH_S_PER_NEED * len(province_sized.needs))
    assert _finish_reserve(province_sized, 20.0, 2.0) == pytest.approx(2 * idle)
    assert _finish_reserve(province_sized, 10.0, 4.0) == 5.0  # at most half the limit
    assert _finish_reserve(district_part, 10.0, 4.0) == pytest.approx(0.5)  # 5% of the limit


def test_teachers_free_slots_and_nearby_teachers_equal_their_definitions() -> None:
    bundle = generate_bundle(classrooms=600, teachers=200, seed=0, profile="tight")  # 2 regions
    problem = build_problem(bundle, with_options())
    gap = problem.options.teacher_buffer_minutes
    regular = len(problem.slots) - len(problem.pinned)
    for index, teacher in enumerate(problem.teachers):
        taken = list(teacher.busy) + [
            problem.slots[p.slot] for p in problem.pinned if p.teacher == index
        ]
        expected = {
            s
            for s in range(regular)
            if local_weekday(problem.slots[s][0], teacher.offset) in teacher.open_days
            and not any(overlaps(problem.slots[s], block, gap) for block in taken)
        }
        assert problem.free[index] == expected
    assert 0 < sum(map(len, problem.free)) < len(problem.teachers) * regular  # busy blocks bite
    affinity = dict(problem.affinity)
    teachers, classrooms = list(problem.teachers), list(problem.classrooms)
    for need, info in enumerate(problem.needs):
        assert problem.nearby[need] == _nearby(
            info, problem.qualified[need], teachers, classrooms, affinity
        )
    assert any(len(n) < len(q) for n, q in zip(problem.nearby, problem.qualified, strict=True))
