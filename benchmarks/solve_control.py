"""What progress reports and stop cost a solve: the same county solved with and without them.

    .venv/bin/python -m benchmarks.solve_control [--classrooms 60] [--teachers 20] [--seconds 10]

Prints the periods delivered by a plain solve (no control: one continuous improvement, the
naive baseline) and by a solve with a SolveControl (improvement in steps of at most 2 s, with a
report after each), the number of reports, and how long a stop takes to return the best plan
(asked for at the first improvement report of a solve given ten times the time).
"""

from __future__ import annotations

import argparse
import dataclasses
import threading
import time

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import SolverOptions, build_problem, solve
from coordinator.timetable.progress import IMPROVE, Progress, SolveControl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classrooms", type=int, default=60)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    bundle = generate_bundle(classrooms=args.classrooms, teachers=args.teachers, seed=args.seed)
    options = SolverOptions(time_limit_s=args.seconds, num_workers=2)
    problem = build_problem(bundle, options)
    plain = solve(problem)
    reports: list[Progress] = []
    controlled = solve(problem, control=SolveControl(reports.append))
    print(f"county: {args.classrooms} classrooms, {args.teachers} teachers, {args.seconds:.0f} s")
    print(f"plain solve (no control):     {plain.stats.delivered_periods} periods delivered")
    print(
        f"with progress (steps ≤ 2 s):  {controlled.stats.delivered_periods} periods delivered, "
        f"{len(reports)} reports, bound {plain.stats.upper_bound_periods}"
    )
    asked = threading.Event()
    asked_at: list[float] = []

    def stop_at_first_improvement(progress: Progress) -> None:
        if progress.phase == IMPROVE and not asked.is_set():
            asked.set()
            asked_at.append(time.monotonic())
            control.stop()

    control = SolveControl(stop_at_first_improvement)
    long = build_problem(bundle, dataclasses.replace(options, time_limit_s=10 * args.seconds))
    stopped = solve(long, control=control)
    latency = time.monotonic() - asked_at[0]
    print(
        f"stop: best plan ({stopped.stats.delivered_periods} periods) returned {latency:.2f} s "
        f"after the stop was asked (time limit {10 * args.seconds:.0f} s)"
    )


if __name__ == "__main__":
    main()
