"""Self-enrolments through a re-plan: solved blind and then judged (the naive way, as before
issue 22's reservation), or solved around them (`timetable.reserve`) and then judged.

A county (`shared`: rural classrooms on the same bells, open art courses with 8 seats; or a
synthetic one, every pinned session made open) is solved; classrooms join open courses one by
one, each judged by `timetable.enrolment.judge` against the plan with the earlier joins laid
in. Then a third of the teachers become busy on Monday and Tuesday mornings and the county is
solved again, both ways, and each join judged again in order as `services/lessons/replan.py`
does: how many are kept, and what the new plan delivers.

    .venv/bin/python -m benchmarks.replan --counties shared --joins 40 --limit 10
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time

from benchmarks.solver import SCALES
from coordinator.bundle.synthetic import generate_bundle
from coordinator.domain import Bundle, BusyBlock
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import Refusal, judge
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.plan import Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.reserve import reserve_enrolled
from coordinator.timetable.solve import solve
from tests.timetable.factories import WORKDAYS, daily, make_bundle, need, pinned, room, teacher

Join = tuple[str, str]  # (open course, classroom)


def laid(plan: Plan, joins: list[Join]) -> Plan:
    """The plan with the joined classrooms added to their courses."""
    sessions = []
    for s in plan.sessions:
        extra = tuple(room for course, room in joins if course == s.pinned_id)
        sessions.append(dataclasses.replace(s, classroom_ids=(*s.classroom_ids, *extra)))
    return dataclasses.replace(plan, sessions=tuple(sessions))


def joined(problem: Problem, plan: Plan, wanted: int) -> list[Join]:
    """Classrooms joining open courses one by one while the solver's rules let them."""
    joins: list[Join] = []
    for info in problem.classrooms:
        for course in problem.pinned:
            if len(joins) < wanted and judge(problem, laid(plan, joins), course.id, info.id).fits:
                joins.append((course.id, info.id))
    return joins


def kept(problem: Problem, plan: Plan, joins: list[Join]) -> list[Join]:
    """The joins a re-plan keeps, judged in order against the plan with those kept so far."""
    found: list[Join] = []
    for course, classroom in joins:
        verdict = judge(problem, laid(plan, found), course, classroom)
        if not [r for r in verdict.refusals if r is not Refusal.ALREADY]:
            found.append((course, classroom))
    return found


def shared_bells(classrooms: int, courses: int) -> Bundle:
    """One county whose rural classrooms ring the same bells (four live periods a day), two per
    assistant, each needing three music lessons a week from six teachers; `courses` open art
    courses spread over the week, eight seats each: many joins fit, and a blind re-plan is
    free to put music where a joined course is."""
    times = [("08:00", "08:40"), ("09:00", "09:40"), ("10:00", "10:40"), ("14:00", "14:40")]
    rooms = [
        room(f"c{i:03}", school_id=f"r{i % 2 + 1}", assistant=f"a{i // 2:03}")
        for i in range(classrooms)
    ]
    teachers = [teacher(f"t{i}", per_day=6, per_week=30) for i in range(6)]
    teachers.append(teacher("t-art", subjects=("art",), per_day=4, per_week=20))
    slots = [(day, start, end) for day in WORKDAYS for start, end in times]
    open_art = tuple(
        pinned(f"p{i:02}", "t-art", day, start, end, subject_id="art", capacity=8, open=True)
        for i, (day, start, end) in enumerate(slots[1 :: max(1, len(slots) // courses)][:courses])
    )
    return make_bundle(
        teachers=teachers,
        classrooms=rooms,
        needs=[need(r.id, periods=3) for r in rooms],
        periods=daily("rural", times),
        pinned_sessions=open_art,
    )


def busier(bundle: Bundle) -> Bundle:
    """A third of the teachers newly busy on Monday and Tuesday mornings (what a re-plan is for)."""
    teachers = bundle.network_teachers[: max(1, len(bundle.network_teachers) // 3)]
    blocks = [
        BusyBlock(t.id, day, dt.time(7), dt.time(12), "教研") for t in teachers for day in (1, 2)
    ]
    return dataclasses.replace(bundle, busy_blocks=(*bundle.busy_blocks, *blocks))


def run(county: str, wanted: int, seed: int, limit: float) -> None:
    if county == "shared":
        bundle = shared_bells(40, 8)
    else:
        classrooms, teachers = SCALES[county]
        bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed)
        pinned = tuple(
            dataclasses.replace(p, open=True, capacity=8) for p in bundle.pinned_sessions
        )
        bundle = dataclasses.replace(bundle, pinned_sessions=pinned)
    options = SolverOptions(
        seed=seed, num_workers=1, time_limit_s=limit, max_classrooms_per_session=8
    )
    problem = build_problem(bundle, options)
    joins = joined(problem, solve(problem, time_limit_s=limit), wanted)
    problem = build_problem(busier(bundle), options)  # the data changed: a re-plan
    for name, solving in (("blind", problem), ("reserved", reserve_enrolled(problem, joins))):
        started = time.perf_counter()
        plan = solve(solving, time_limit_s=limit)
        seconds = time.perf_counter() - started
        survivors = kept(problem, plan, joins)
        print(
            f"{county:8} {name:9} joins kept {len(survivors):3} of {len(joins):3}; "
            f"periods delivered {plan.stats.delivered_periods} "
            f"(bound {plan.stats.upper_bound_periods}), "
            f"solve {seconds:5.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", nargs="+", default=["shared"], choices=["shared", *SCALES])
    parser.add_argument("--joins", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=10.0, help="solver time limit, seconds")
    args = parser.parse_args()
    for county in args.counties:
        run(county, args.joins, args.seed, args.limit)


if __name__ == "__main__":
    main()
