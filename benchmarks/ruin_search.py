"""The construction's ruin and recreate on tight counties, by steps rather than by the clock.

    .venv/bin/python -m benchmarks.ruin_search [--seeds 0 1 2] [--steps 1000] [--profile tight-wide]

The machine is shared, so a time-limited solve mixes the search's quality with how many steps
the load allowed. This benchmark separates the two, per tight county seed:

- the same number of ruin-and-recreate steps (replayable, no clock) with three acceptance
  rules: hill climbing (the naive baseline: a step is kept when the score does not drop, the
  earlier rule), late acceptance, and late acceptance with a quarter of the ruins freeing the
  teachers who split a classroom's subject (the solver's rule): periods delivered, continuity;
- the cost of one refill over every candidate session (the baseline) beside the refill over
  the candidate sessions a short need can join (the solver's): steps a second on this machine.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time
from dataclasses import replace

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, SolverOptions, build_problem
from coordinator.timetable import broadcasts as search
from coordinator.timetable.broadcasts import Clashes, construct, fill_broadcasts, takers_of
from coordinator.timetable.greedy import drafts_of, slot_conflicts
from coordinator.timetable.plan import GREEDY
from coordinator.timetable.repair import state_of
from coordinator.timetable.solve import finish

RULES = {  # name: (late acceptance length, share of split ruins)
    "hill climbing (baseline)": (1, 0.0),
    "late acceptance": (search.LATE_ACCEPTANCE, 0.0),
    "late acceptance + split ruins (solver)": (search.LATE_ACCEPTANCE, search.SPLIT_RUIN),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1000, help="ruin-and-recreate steps")
    parser.add_argument("--profile", choices=["tight", "tight-wide"], default="tight")
    args = parser.parse_args()
    print(
        f"{args.profile} counties (60 classrooms, 25 teachers), {args.steps} steps, "
        f"load {_load()}\n"
    )
    print("| seed | acceptance | delivered | continuity |")
    print("|---:|---|---:|---:|")
    for seed in args.seeds:
        problem = _county(seed, args.steps, args.profile)
        for name, (late, split) in RULES.items():
            search.LATE_ACCEPTANCE, search.SPLIT_RUIN = late, split
            plan = finish(problem, construct(problem, math.inf), GREEDY, started=0, bound=False)
            stats = plan.stats
            print(f"| {seed} | {name} | {stats.delivered_periods} | {stats.continuity:.3f} |")
    print("\n| seed | refill over every candidate session (baseline) | around short needs |")
    print("|---:|---:|---:|")
    for seed in args.seeds:
        problem = _county(seed, args.steps, args.profile)
        every, around = _refill_rates(problem)
        print(f"| {seed} | {every:.0f} refills/s | {around:.0f} refills/s |")
    print(f"\nload after: {_load()}")


def _county(seed: int, steps: int, profile: str) -> Problem:
    bundle = generate_bundle(classrooms=60, teachers=25, seed=seed, profile=profile)
    # lns_steps makes the construction replayable: 20 ruin-and-recreate steps per LNS step.
    options = replace(SolverOptions(seed=seed), lns_steps=max(1, steps // 20))
    return build_problem(bundle, options)


def _refill_rates(problem: Problem, rounds: int = 100) -> tuple[float, float]:
    """Refills a second over every candidate session and over those short needs can join."""
    takers = takers_of(problem)
    start = drafts_of(fill_broadcasts(search._pinned_state(problem), takers, math.inf))
    clashes = Clashes(slot_conflicts(problem, 10), slot_conflicts(problem, 0))
    teachers = sorted({d.teacher for d in start if d.pinned_id is None})
    rates = []
    for restricted in (False, True):
        rng = random.Random(problem.options.seed)
        began = time.perf_counter()
        for _ in range(rounds):
            freed = set(rng.sample(teachers, 3))
            kept = [d for d in start if d.pinned_id is not None or d.teacher not in freed]
            state = state_of(problem, kept, clashes)
            short = {n for n, i in enumerate(problem.needs) if state.delivered[n] < i.periods}
            pool = takers.around(short) if restricted else takers
            fill_broadcasts(state, pool, math.inf, rng)
        rates.append(rounds / (time.perf_counter() - began))
    return rates[0], rates[1]


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    main()
