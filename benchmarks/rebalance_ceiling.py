"""How much a rebalance could deliver at most within its budget of changes, beside what it does.

On a tight county the busiest teacher of a 10 s plan leaves for the week. Side by side for each
seed: ``rebalance`` (wall s, unaffected lessons changed, delivered), the naive repair, a scratch
re-solve (``solve``, 10 s) and the *ceiling*: the whole model (delivered periods only) where at
most the rebalance's budget of unaffected previous lessons may change, solved by CP-SAT until
proven or ``--ceiling-limit``. A rebalance cannot deliver more than the ceiling without changing
more than 2% of the unaffected lessons, so "ceiling % of scratch" says whether the issue's 98%
of a scratch re-solve is reachable at all.

    .venv/bin/python benchmarks/rebalance_ceiling.py --seeds 0 1 2 3 4
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from collections import Counter

from ortools.sat.python import cp_model

from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.rebalancing.changes import without_unavailable_pinned
from coordinator.timetable import (
    Plan,
    Problem,
    SolverOptions,
    TeacherUnavailable,
    apply_change,
    build_problem,
    naive_repair,
    rebalance,
    solve,
    validate_plan,
)
from coordinator.timetable.model import build_model
from coordinator.timetable.rebalance import CHANGE_SHARE, _drafts, carry_over
from coordinator.timetable.repair import lessons_of
from coordinator.timetable.scope import full_scope


def ceiling(
    problem: Problem, previous: Plan, teacher_id: str, limit: float, workers: int
) -> tuple[int, int, str]:
    """The most periods with at most 2% of the unaffected previous lessons changed.

    Returns (best found, proven upper bound, status)."""
    valid, broken = carry_over(problem, previous)
    teachers = problem.teacher_index()
    affected = broken | ({teachers[teacher_id]} if teacher_id in teachers else set())
    protected = lessons_of([d for d in _drafts(problem, valid, set()) if d.teacher not in affected])
    budget = int(CHANGE_SHARE * sum(protected.values()))
    keep = frozenset((n, t, s) for n, t, s, p in valid if p is None and t not in affected)
    built = build_model(
        problem, dataclasses.replace(full_scope(problem), keep=keep), hard_only=True
    )
    kept = [var for key, var in built.variables.lesson.items() if key in keep]
    built.model.add(sum(kept) >= len(kept) - budget)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = problem.options.seed
    status = solver.solve(built.model)
    return (
        round(solver.objective_value),
        round(solver.best_objective_bound),
        solver.status_name(status),
    )


def row(seed: int, limit: float, workers: int) -> str:
    bundle = generate_bundle(classrooms=60, teachers=25, seed=seed, profile="tight")
    options = SolverOptions(seed=seed, num_workers=workers, time_limit_s=10)
    previous = solve(build_problem(bundle, options))
    busiest = Counter(s.teacher_id for s in previous.sessions).most_common(1)[0][0]
    change = TeacherUnavailable(busiest)
    after = build_problem(without_unavailable_pinned(apply_change(bundle, change), change), options)
    load = os.getloadavg()[0]
    result = rebalance(after, previous, change)
    naive = naive_repair(after, previous)
    scratch = solve(after)
    for plan in (result.plan, naive, scratch):
        assert validate_plan(after, plan) == []
    started = time.monotonic()
    best, bound, status = ceiling(after, previous, busiest, limit, workers)
    ceiling_s = time.monotonic() - started
    unaffected = sum(len(s.classroom_ids) for s in previous.sessions if s.teacher_id != busiest)
    delivered, target = result.plan.stats.delivered_periods, scratch.stats.delivered_periods
    top = f"{best}" if status == "OPTIMAL" else f"{best}–{bound}"
    return (
        f"| {seed} | {load:.1f} | {result.wall_seconds:.2f} | {result.unaffected_changed} of "
        f"{unaffected} ({100 * result.unaffected_changed / unaffected:.1f}%) | "
        f"{previous.stats.delivered_periods} | {delivered} | {naive.stats.delivered_periods} | "
        f"{target} | {100 * delivered / target:.1f} | "
        f"{top} ({status.lower()}, {ceiling_s:.0f} s) | "
        f"{100 * best / target:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--ceiling-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        "| seed | load | rebalance wall s | unaffected changed | before | rebalance | naive repair "
        "| scratch (10 s) | rebalance % of scratch | ceiling within 2% changed | "
        "ceiling % of scratch |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        flush=True,
    )
    for seed in args.seeds:
        print(row(seed, args.ceiling_limit, args.workers), flush=True)


if __name__ == "__main__":
    main()
