"""The README's test command on a loaded machine: a CPU-bound process on every core beside it.

A test that fails only because the machine is busy blocks later work at random, so the suite
is run several times in a row while one busy-loop process per core competes with it (each
bounded in time, ended when the runs end). Printed: each run's outcome and wall time beside
an unloaded run's (the baseline, unless `--no-baseline`), and the slowest tests of the last run.

    .venv/bin/python -m benchmarks.loaded_suite --runs 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [str(ROOT / ".venv" / "bin" / "pytest")]  # the README's test command
CLOSING = re.compile(r"^=+ (?P<summary>.*\d+ passed.*) in (?P<seconds>[\d.]+)s")


def burn(until: float) -> None:
    """Keep one core busy until the monotonic clock reaches `until`."""
    x = 0
    while time.monotonic() < until:
        for _ in range(100_000):
            x = (x * 31 + 7) % 1_000_003


def run_suite(label: str, extra: list[str], log_dir: Path) -> tuple[int, str, float, str]:
    log = log_dir / f"{label}.log"
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.run([*PYTEST, *extra], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    wall = time.monotonic() - started
    text = log.read_text(errors="replace")
    summary = next(
        (m.group("summary") for line in text.splitlines() if (m := CLOSING.match(line))),
        text.strip().splitlines()[-1] if text.strip() else "no output",
    )
    return code.returncode, summary, wall, text


def slowest(text: str, count: int) -> list[str]:
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "slowest" in line and "durations" in line), None
    )
    if start is None:
        return []
    return [line for line in lines[start + 1 :] if re.match(r"^\d+\.\d+s ", line)][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--ceiling-min", type=float, default=120, help="burners stop by then")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--logs", type=Path, default=Path("/tmp/loaded_suite"))
    args = parser.parse_args()
    args.logs.mkdir(parents=True, exist_ok=True)
    durations = ["--durations=10", "--durations-min=1"]
    print(f"{os.cpu_count()} CPUs; {args.burners} busy-loop processes beside each loaded run\n")
    print("| run | load | outcome | wall s | exit |")
    print("|---|---|---|---:|---:|")
    if not args.no_baseline:
        code, summary, wall, _ = run_suite("unloaded", durations, args.logs)
        print(f"| baseline | none | {summary} | {wall:.0f} | {code} |", flush=True)
    until = time.monotonic() + args.ceiling_min * 60
    burners = [multiprocessing.Process(target=burn, args=(until,)) for _ in range(args.burners)]
    for burner in burners:
        burner.start()
    failed = 0
    text = ""
    try:
        for number in range(1, args.runs + 1):
            code, summary, wall, text = run_suite(f"loaded-{number}", durations, args.logs)
            failed += code != 0
            load = f"{args.burners} burners, avg {os.getloadavg()[0]:.1f}"
            print(f"| {number} | {load} | {summary} | {wall:.0f} | {code} |", flush=True)
    finally:
        for burner in burners:
            burner.terminate()
            burner.join()
    print("\nslowest ten tests of the last loaded run:")
    for line in slowest(text, 10):
        print(f"    {line}")
    print(f"\nlogs in {args.logs}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
