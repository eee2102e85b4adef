"""The LP bound at scale: by components against the whole model, beside the counting bound.

One instance per process (its peak memory is its own), printed as one JSON line:

    .venv/bin/python benchmarks/bounds.py --scale district --profile tight --seed 0 \
        --limit 240 --whole-limit 240

``lp_bound`` (components; GLOP below 60,000 variables, PDLP's proven dual bound above) runs
with ``--limit`` seconds; ``--whole-limit S`` also runs the earlier way, GLOP on the whole model
in one piece, for S seconds (0 skips it). ``load`` is the load average when the row started.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import time
from typing import Any

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import SolverOptions, build_problem, quick_bound
from coordinator.timetable.bound import _lp_value, lp_bounds_by_component
from coordinator.timetable.scope import full_scope

SCALES = {"county": (60, 25), "district": (600, 200), "province": (6000, 2000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    parser.add_argument("--profile", default="tight")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=240.0)
    parser.add_argument("--whole-limit", type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(measure(args)), flush=True)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0]
    classrooms, teachers = SCALES[args.scale]
    started = time.monotonic()
    bundle = generate_bundle(
        classrooms=classrooms, teachers=teachers, seed=args.seed, profile=args.profile
    )
    problem = build_problem(bundle, SolverOptions(seed=args.seed, num_workers=2))
    row: dict[str, Any] = {
        "scale": args.scale,
        "profile": args.profile,
        "seed": args.seed,
        "load": round(load, 2),
        "build_s": round(time.monotonic() - started, 1),
        "demand": problem.demand_periods,
        "options": problem.option_count(),
    }
    timed = time.monotonic()
    row["counting"] = quick_bound(problem)
    row["counting_s"] = round(time.monotonic() - timed, 2)
    timed = time.monotonic()
    parts = lp_bounds_by_component(problem, args.limit)
    row["components_s"] = round(time.monotonic() - timed, 1)
    row["components"] = len(parts)
    row["largest_needs"] = max((len(p.component.needs) for p in parts), default=0)
    row["by_lp"] = sum(1 for p in parts if p.lp is not None)
    row["lp_bound"] = sum(p.bound for p in parts)
    row["lp_sum"] = round(sum(p.lp for p in parts if p.lp is not None), 3)
    row["peak_mb_components"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if args.whole_limit > 0:
        timed = time.monotonic()
        whole = _lp_value(problem, full_scope(problem), args.whole_limit, method="GLOP")
        row["whole_glop_s"] = round(time.monotonic() - timed, 1)
        row["whole_glop"] = None if whole is None else round(whole, 3)
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    row["end_load"] = round(os.getloadavg()[0], 2)
    return row


if __name__ == "__main__":
    main()
