"""Synthetic bundle generation: seconds and peak memory per scale, against the goal.

`coordinator generate` makes the instances every other benchmark and many tests start from,
so it must stay quick at province size. Each scale runs in its own process (its peak memory
is its own) and is printed beside its goal: the ratio is time ÷ goal, and a row over 1.00 has
missed it. The baseline beside it is the same bundle written out as CSV files and read back
through the validator, which every import pays anyway: generation should cost a fraction
of that.

    .venv/bin/python -m benchmarks.generate --seeds 3 4
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coordinator.bundle import read_bundle, write_bundle_csv
from coordinator.bundle.synthetic import generate_bundle

SCALES = {"county": (60, 25), "district": (600, 200), "province": (6000, 2000)}
GOAL_S = {"county": 1.0, "district": 3.0, "province": 10.0}


def measure(scale: str, seed: int) -> dict[str, float]:
    """Generate one bundle in this process; then write it and time reading it back."""
    classrooms, teachers = SCALES[scale]
    started = time.perf_counter()
    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed)
    generated = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        write_bundle_csv(bundle, Path(folder))
        started = time.perf_counter()
        read_bundle(Path(folder))
        read_back = time.perf_counter() - started
    return {"generate_s": generated, "peak_mb": peak_mb, "read_s": read_back}


def child(scale: str, seed: int) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.generate", "--row", scale, str(seed)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3])
    parser.add_argument("--scales", nargs="+", choices=list(SCALES), default=list(SCALES))
    parser.add_argument("--row", nargs=2, metavar=("SCALE", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        print(json.dumps(measure(args.row[0], int(args.row[1]))))
        return
    print(f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.1f}\n")
    print(
        "| scale | seed | generate s | goal s | ratio to goal | read back s "
        "(baseline) | generate ÷ read back | peak MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    worst = 0.0
    for scale in args.scales:
        for seed in args.seeds:
            row = child(scale, seed)
            ratio = row["generate_s"] / GOAL_S[scale]
            worst = max(worst, ratio)
            print(
                f"| {scale} | {seed} | {row['generate_s']:.2f} | {GOAL_S[scale]:g} | "
                f"{ratio:.2f} | {row['read_s']:.2f} | {row['generate_s'] / row['read_s']:.2f} | "
                f"{row['peak_mb']:.0f} |",
                flush=True,
            )
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    print(f"worst ratio to goal: {worst:.2f} ({'met' if worst <= 1 else 'MISSED'})")
    if worst > 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
