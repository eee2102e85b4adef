"""The open-course catalogue: judging every offered course for a classroom, two ways.

For a synthetic county and district (``coordinator generate`` with a fixed seed), solved once
with a short time limit, each sampled rural classroom's catalogue is judged against the plan:
the naive way validates the whole plan twice per course (before and after the join), the
shipped way validates it once per catalogue and once per course after the join
(`judge(..., broken=broken_rules(...))`). Both give the same verdicts (checked here).

    .venv/bin/python benchmarks/catalogue.py --scales county district --sample 20
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import statistics
import time

from benchmarks.solver import SCALES
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.catalogue.courses import offered_to
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import broken_rules, judge
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.plan import Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.solve import solve


def catalogue_ms(
    problem: Problem, plan: Plan, courses: list[str], room: str, *, cached: bool
) -> tuple[float, list[object]]:
    started = time.perf_counter()
    broken = functools.cache(lambda: broken_rules(problem, plan)) if cached else None
    verdicts: list[object] = [
        judge(problem, plan, c, room, broken=broken).refusals for c in courses
    ]
    return (time.perf_counter() - started) * 1000, verdicts


def run(scale: str, sample: int, seed: int, limit: float, args_offered: bool) -> None:
    classrooms, teachers = SCALES[scale]
    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed)
    if not args_offered:  # every pinned session an open course with room: more joins to judge
        pinned = tuple(
            dataclasses.replace(p, open=True, capacity=8) for p in bundle.pinned_sessions
        )
        bundle = dataclasses.replace(bundle, pinned_sessions=pinned)
    options = SolverOptions(seed=seed, num_workers=1, time_limit_s=limit)
    started = time.perf_counter()
    problem = build_problem(bundle, options)
    build_ms = (time.perf_counter() - started) * 1000  # once per catalogue page
    plan = solve(problem, time_limit_s=limit)
    every = [p.id for p in bundle.pinned_sessions if p.open]
    rooms = [c.id for c in bundle.classrooms][:: max(1, len(bundle.classrooms) // sample)][:sample]
    naive, shipped, offered, validated = [], [], [], []
    for room in rooms:
        courses = [p.id for p in offered_to(bundle, room)] if args_offered else every
        offered.append(len(courses))
        slow, a = catalogue_ms(problem, plan, courses, room, cached=False)
        fast, b = catalogue_ms(problem, plan, courses, room, cached=True)
        assert a == b, f"{room}: verdicts differ"
        validated.append(sum(not r for r in a))
        naive.append(slow)
        shipped.append(fast)
    print(
        f"{scale:9} {len(plan.sessions):6} sessions {statistics.mean(offered):6.1f} courses/room "
        f"({sum(validated)} fit) build_problem {build_ms:7.1f} ms; judging: "
        f"naive {statistics.median(naive):8.1f} ms  shipped {statistics.median(shipped):8.1f} ms "
        f"(median of {len(rooms)} classrooms; max {max(naive):.1f} / {max(shipped):.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["county"], choices=list(SCALES))
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--offered", action="store_true", help="only the courses offered (region, alliance)"
    )
    parser.add_argument("--limit", type=float, default=5.0, help="solver time limit, seconds")
    args = parser.parse_args()
    for scale in args.scales:
        run(scale, args.sample, args.seed, args.limit, args.offered)


if __name__ == "__main__":
    main()
