"""What "keep the current timetable where possible" keeps: a county solved, one teacher's
lesson blocked by a new busy block, then solved again from scratch (the naive baseline) and
keeping the current lessons (ours), each with the same time limit.

    .venv/bin/python -m benchmarks.keep_current [--classrooms 60] [--teachers 20] [--seconds 10]

Prints, for both re-solves, the periods delivered, the lessons (teacher, classroom, subject,
weekday, start) of the current timetable that stay exactly where they were, and the wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from coordinator.bundle.synthetic import generate_bundle
from coordinator.domain import BusyBlock
from coordinator.timetable import Plan, SolverOptions, build_problem, solve
from coordinator.timetable.rebalance import current_start


def lessons(plan: Plan) -> set[tuple[str, str, str, int, object]]:
    return {
        (s.teacher_id, room, s.subject_id, s.weekday, s.start)
        for s in plan.sessions
        for room in s.classroom_ids
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classrooms", type=int, default=60)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    bundle = generate_bundle(classrooms=args.classrooms, teachers=args.teachers, seed=args.seed)
    options = SolverOptions(time_limit_s=args.seconds, num_workers=2)
    current = solve(build_problem(bundle, options))
    first = min(current.sessions, key=lambda s: (s.teacher_id, s.weekday, s.start))
    block = BusyBlock(first.teacher_id, first.weekday, first.start, first.end, "benchmark")
    changed = dataclasses.replace(bundle, busy_blocks=(*bundle.busy_blocks, block))
    problem = build_problem(changed, options)
    before = lessons(current)
    print(f"county: {args.classrooms} classrooms, {args.teachers} teachers, {args.seconds:.0f} s")
    print(f"current timetable: {len(before)} lessons; {first.teacher_id} now busy then")
    started = time.monotonic()
    fresh = solve(problem)
    fresh_s = time.monotonic() - started
    started = time.monotonic()
    start, keep = current_start(problem, current)
    kept = solve(problem, keep=keep, start=start)
    kept_s = time.monotonic() - started
    for name, plan, seconds in (("from scratch", fresh, fresh_s), ("keep current", kept, kept_s)):
        print(
            f"{name:13}: {plan.stats.delivered_periods} periods delivered "
            f"(bound {plan.stats.upper_bound_periods}), "
            f"{len(before & lessons(plan))} of {len(before)} lessons unchanged, {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
