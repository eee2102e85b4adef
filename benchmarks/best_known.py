"""Best known plan of a generated county: CP-SAT on the whole hard model for a long run.

The yardstick beside the LP bound on tight ground, where the bound is loose: the hard model
(every hard rule, objective: delivered periods only), hinted with 10 s of
the construction (greedy, ruin and recreate), run for
``--limit`` seconds on 2 workers. Prints one JSON line per seed: the hint's and the run's
delivered periods, CP-SAT's proven bound, continuity, wall seconds and peak memory.

    .venv/bin/python -m benchmarks.best_known --profile tight --seeds 0 1 2 --limit 600
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from ortools.sat.python import cp_model

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import SolverOptions, build_problem
from coordinator.timetable.broadcasts import construct
from coordinator.timetable.model import build_model
from coordinator.timetable.plan import FEASIBLE
from coordinator.timetable.scope import full_scope
from coordinator.timetable.solve import finish

HINT_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="tight")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--classrooms", type=int, default=60)
    parser.add_argument("--teachers", type=int, default=25)
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # one seed, this process
    args = parser.parse_args()
    if args.seed is not None:
        print(json.dumps(best_known(args)))
        return
    for seed in args.seeds:  # one process per seed: peak memory is its own
        command = [sys.executable, "-m", "benchmarks.best_known", *sys.argv[1:]]
        done = subprocess.run([*command, "--seed", str(seed)], capture_output=True, text=True)
        print(done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr)


def best_known(args: argparse.Namespace) -> dict[str, object]:
    bundle = generate_bundle(
        classrooms=args.classrooms, teachers=args.teachers, seed=args.seed, profile=args.profile
    )
    problem = build_problem(bundle, SolverOptions(seed=args.seed, num_workers=2))
    hint = construct(problem, time.monotonic() + HINT_S)
    hinted = finish(problem, hint, FEASIBLE, started=time.monotonic(), bound=False)
    started = time.monotonic()
    built = build_model(problem, full_scope(problem), hint, hard_only=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.limit
    solver.parameters.num_workers = 2
    status = solver.solve(built.model)
    drafts = built.variables.extract(solver)
    plan = finish(problem, drafts, FEASIBLE, started=started, bound=False)
    return {
        "profile": args.profile,
        "seed": args.seed,
        "limit": args.limit,
        "hint": hinted.stats.delivered_periods,
        "best": plan.stats.delivered_periods,
        "cpsat_bound": solver.best_objective_bound,
        "status": solver.status_name(status),
        "continuity": round(plan.stats.continuity, 3),
        "wall_s": round(time.monotonic() - started, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
