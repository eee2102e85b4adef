"""A solve asked to keep the current timetable where possible keeps its lessons that still fit;
the same solve without it is free to place them elsewhere."""

from __future__ import annotations

import dataclasses

from coordinator.timetable import Plan, build_problem, solve, validate_plan
from coordinator.timetable.rebalance import carry_over, current_start

from .factories import TEST_OPTIONS, busy, daily, make_bundle, need, room, teacher

PERIODS = daily("rural", [("09:00", "09:40"), ("10:00", "10:40"), ("14:00", "14:40")])


def lessons(plan: Plan) -> set[tuple[str, str, str, object]]:
    return {
        (s.teacher_id, room_id, s.subject_id, (s.weekday, s.start))
        for s in plan.sessions
        for room_id in s.classroom_ids
    }


def test_keeping_the_current_timetable_keeps_the_lessons_that_still_fit() -> None:
    rooms = [room(f"c-{n}") for n in range(3)]
    needs = [need(r.id, "music", 2) for r in rooms]
    bundle = make_bundle(teachers=[teacher("t-1")], classrooms=rooms, needs=needs, periods=PERIODS)
    # The current timetable was made when the teacher was busy every morning but Friday's.
    mornings = tuple(busy("t-1", day, "08:00", "11:00") for day in (1, 2, 3, 4))
    earlier = build_problem(dataclasses.replace(bundle, busy_blocks=mornings), TEST_OPTIONS)
    current = solve(earlier)
    problem = build_problem(bundle, TEST_OPTIONS)  # now her mornings are free again
    valid, _ = carry_over(problem, current)
    keep = frozenset((n, t, s) for n, t, s, p in valid if p is None)
    kept = solve(problem, keep=keep)
    free = solve(problem)
    assert validate_plan(problem, kept) == []
    assert lessons(current) <= lessons(kept)
    assert len(lessons(current) & lessons(free)) < len(lessons(current))
    assert kept.stats.delivered_periods == free.stats.delivered_periods


def test_the_decomposed_search_keeps_them_too() -> None:
    rooms = [room(f"c-{n}") for n in range(3)]
    needs = [need(r.id, "music", 2) for r in rooms]
    bundle = make_bundle(
        teachers=[teacher("t-1"), teacher("t-2")], classrooms=rooms, needs=needs, periods=PERIODS
    )
    options = dataclasses.replace(TEST_OPTIONS, monolithic_max_options=0, lns_steps=12)
    mornings = tuple(busy(t, day, "08:00", "11:00") for t in ("t-1", "t-2") for day in (1, 2, 3, 4))
    current = solve(build_problem(dataclasses.replace(bundle, busy_blocks=mornings), options))
    problem = build_problem(bundle, options)
    start, keep = current_start(problem, current)
    kept = solve(problem, keep=keep, start=start)
    free = solve(problem)
    assert validate_plan(problem, kept) == []
    assert lessons(current) <= lessons(kept)
    assert not lessons(current) <= lessons(free)
    assert kept.stats.delivered_periods == free.stats.delivered_periods
