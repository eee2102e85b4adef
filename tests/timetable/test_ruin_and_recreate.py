"""Ruin and recreate on a tight county: the restricted refill and late acceptance."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, build_problem, validate_plan
from coordinator.timetable.broadcasts import (
    Clashes,
    _pinned_state,
    construct,
    fill_broadcasts,
    takers_of,
)
from coordinator.timetable.greedy import drafts_of, slot_conflicts
from coordinator.timetable.plan import GREEDY, Draft, Plan
from coordinator.timetable.repair import state_of
from coordinator.timetable.reunite import clashes_of, polish_continuity, reunite
from coordinator.timetable.score import plan_score
from coordinator.timetable.solve import finish

from .factories import daily, make_bundle, need, room, teacher, with_options


@pytest.fixture(scope="module")
def county() -> Problem:
    bundle = generate_bundle(classrooms=60, teachers=25, seed=2, profile="tight")
    # Replayable: a fixed number of ruin-and-recreate steps, whatever the clock says.
    return build_problem(bundle, with_options(seed=2, lns_steps=5))


def _plan(problem: Problem, drafts: list[Draft]) -> Plan:
    return finish(problem, drafts, GREEDY, started=0.0, bound=False)


def test_refill_around_short_needs_equals_the_refill_over_every_session(county: Problem) -> None:
    takers = takers_of(county)
    start = drafts_of(fill_broadcasts(_pinned_state(county), takers, math.inf))
    clashes = Clashes(slot_conflicts(county, 10), slot_conflicts(county, 0))
    teachers = sorted({d.teacher for d in start if d.pinned_id is None})
    for seed in range(4):
        freed = set(random.Random(seed).sample(teachers, 4))
        kept = [d for d in start if d.pinned_id is not None or d.teacher not in freed]
        state = state_of(county, kept, clashes)
        short = {n for n, i in enumerate(county.needs) if state.delivered[n] < i.periods}
        fast = fill_broadcasts(state, takers.around(short), math.inf, random.Random(seed))
        every = fill_broadcasts(
            state_of(county, kept, clashes), takers, math.inf, random.Random(seed)
        )

        assert len(takers.around(short).sessions) < len(takers.sessions)
        assert Counter(drafts_of(fast)) == Counter(drafts_of(every))
        assert validate_plan(county, _plan(county, drafts_of(fast))) == []


def test_construct_with_late_acceptance_is_valid_and_never_below_the_constructions(
    county: Problem,
) -> None:
    first = construct(county, math.inf, improve=False)
    drafts = construct(county, math.inf)

    assert validate_plan(county, _plan(county, drafts)) == []
    assert plan_score(county, drafts) >= plan_score(county, first)
    assert construct(county, math.inf) == drafts  # replayable for a seed


# --- reuniting a classroom x subject split between teachers ------------------------------------


def _split_music(per_week: int) -> tuple[Problem, list[Draft]]:
    """One classroom's two music periods, given by two teachers on two days."""
    bundle = make_bundle(
        teachers=[teacher("t1", per_week=per_week), teacher("t2")],
        classrooms=[room("c1")],
        needs=[need("c1", periods=2)],
        periods=daily("rural", [("08:00", "08:40")]),
    )
    problem = build_problem(bundle, with_options())
    slots = sorted({slot for _, slot in problem.options_for(0)})
    return problem, [Draft(0, "music", slots[0], (0,)), Draft(1, "music", slots[1], (0,))]


def test_reunite_gives_every_lesson_of_a_split_need_to_one_teacher() -> None:
    problem, drafts = _split_music(per_week=5)

    reunited = reunite(problem, drafts, 0, 0, clashes_of(problem))

    assert reunited is not None
    assert sorted(d.teacher for d in reunited if d.classrooms) == [0, 0]
    assert len({problem.day_of(0, d.slot) for d in reunited}) == 2  # a new day, not a repeat
    assert validate_plan(problem, _plan(problem, reunited)) == []
    assert plan_score(problem, reunited) > plan_score(problem, drafts)


def test_reunite_is_refused_when_the_teacher_cannot_take_every_lesson() -> None:
    problem, drafts = _split_music(per_week=1)

    assert reunite(problem, drafts, 0, 0, clashes_of(problem)) is None
    assert reunite(problem, drafts, 0, 1, clashes_of(problem)) is not None


def test_polish_continuity_raises_continuity_and_keeps_every_period(county: Problem) -> None:
    drafts = construct(county, math.inf, improve=False)
    before = _plan(county, drafts)

    polished = polish_continuity(county, drafts, math.inf)
    after = _plan(county, polished)

    assert validate_plan(county, after) == []
    assert after.stats.delivered_periods >= before.stats.delivered_periods
    assert after.stats.continuity > before.stats.continuity
    assert plan_score(county, polished) > plan_score(county, drafts)
