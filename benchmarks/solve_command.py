"""`coordinator solve --time-limit S` end to end, phase by phase, on SQLite and PostgreSQL.

For each scale (tight district, tight province) the bundle is generated once, then for our
code and (with ``--baseline DIR``) an earlier ``coordinator`` package first on ``PYTHONPATH``:

- `validate`: ``coordinator validate FOLDER`` as a subprocess;
- `import`: ``coordinator import FOLDER`` into a fresh database;
- `solve`: ``coordinator -v solve --time-limit S`` as a subprocess, wall clock from launch to
  exit, its phases read from the timestamps of its log lines (present in both codes):
  *start and read* (process start, reading the data, building the problem), *solve*,
  *store plan* (validating and writing the version), *enrolments* (`replan_enrolments`),
  *publish lessons* (dating the term, reconciling the store), *feed tokens and exit*.

CPU seconds (the child's own, from ``RUSAGE_CHILDREN``) are printed beside wall seconds: on a
shared machine the wall clock also counts other processes' turns. The baseline folder:

    mkdir -p /tmp/base13 && git archive main coordinator | tar -x -C /tmp/base13
    .venv/bin/python benchmarks/solve_command.py --baseline /tmp/base13 --backends sqlite postgresql

PostgreSQL: a database of its own (``--pg-database``, default ``store13``) on 127.0.0.1:5432 is
dropped and created again before each import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALES = {"district": (600, 200), "province": (6000, 2000)}
GOALS = {"validate": 15.0, "import": 30.0}  # province, wall seconds
PG_HOST, PG_USER = "127.0.0.1", "postgres"
Row = dict[str, Any]

# Log lines that end each phase (their messages are the same in the baseline's code).
MARKS = (
    ("start and read", "data read and problem built"),
    ("solve", "coordinator.timetable.solve: plan "),
    ("store plan", "stored timetable version"),
    ("enrolments", "self-enrolment(s) ended"),
    ("publish lessons", "published lessons:"),
)
DELIVERED = re.compile(r"plan \w+: (\d+) of (\d+) periods delivered")
STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def _coordinator(args: list[str], baseline: Path | None) -> tuple[float, float, str]:
    """Run the CLI as a child process: (wall s, CPU s, stderr)."""
    env = dict(os.environ)
    if baseline is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(baseline), env.get("PYTHONPATH", "")])
    code = "import sys; from coordinator.cli import main; sys.argv[0] = 'coordinator'; main()"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd="/tmp"
    )
    wall = time.time() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"coordinator {' '.join(args)} failed: {done.stderr[-2000:]}")
    return wall, cpu, f"@start {started}\n" + done.stderr + f"\n@end {started + wall}"


def phases_of(log: str) -> Row:
    """Seconds per phase from the log's timestamps; the last phase runs to the exit."""
    lines = log.splitlines()
    start = float(lines[0].split()[1])
    end = float(lines[-1].split()[1])
    row: Row = {}
    mark = start
    for phase, needle in MARKS:
        found = next((line for line in lines if needle in line), None)
        if found is None or (stamp := STAMP.match(found)) is None:
            continue
        at = dt.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").astimezone().timestamp()
        row[phase], mark = at - mark, at
    row["feed tokens and exit"] = end - mark
    if plan := DELIVERED.search(log):  # what the plan holds: a faster command must not deliver less
        done, demand = int(plan.group(1)), int(plan.group(2))
        row["delivered"] = f"{done:,} of {demand:,} ({100 * done / demand:.1f}%)"
    return row


def _database(backend: str, scratch: Path, name: str) -> str:
    if backend == "sqlite":
        path = scratch / f"{name}.db"
        path.unlink(missing_ok=True)
        return str(path)
    database = f"store13_{name}"
    subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", database], check=True)
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, database], check=True)
    return f"postgresql://{PG_USER}@{PG_HOST}:5432/{database}"


def measure(folder: Path, backend: str, scratch: Path, limit: float, baseline: Path | None) -> Row:
    """validate, import, then solve twice (a first plan, then a re-plan over stored lessons)."""
    name = "base" if baseline else "ours"
    url = _database(backend, scratch, name)
    row: Row = {}
    wall, cpu, _ = _coordinator(["validate", str(folder)], baseline)
    row["validate"] = (wall, cpu)
    _coordinator(["--db", url, "db", "upgrade"], baseline)
    wall, cpu, _ = _coordinator(["--db", url, "import", str(folder)], baseline)
    row["import"] = (wall, cpu)
    for run in ("first solve", "re-plan"):
        args = ["--db", url, "-v", "solve", "--time-limit", f"{limit:g}"]
        try:
            wall, cpu, log = _coordinator(args, baseline)
        except RuntimeError as error:  # e.g. main's publishing on PostgreSQL at province scale
            row["failed"] = f"{run} failed: {_cause(str(error))}"
            break
        row[run] = (wall, cpu, phases_of(log))
    return row


def _cause(message: str) -> str:
    """The exception line of a failed run's log, shortened."""
    found = re.findall(r"\n(\w+(?:\.\w+)*(?:Error|Exception)[^\n]{0,160})", message)
    return found[-1] if found else message[-160:]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def table(scale: str, backend: str, limit: float, ours: Row, base: Row | None) -> list[str]:
    lines = [
        f"#### {scale}, {backend}: `solve --time-limit {limit:g}` (wall s; CPU s in brackets)\n",
        "| step | ours | baseline (main) | goal |",
        "|---|---:|---:|---:|",
    ]
    for step in ("validate", "import"):
        goal = f"≤ {GOALS[step]:g}" if scale == "province" else ""
        cells = [f"{_fmt(r[step][0])} ({_fmt(r[step][1])})" if r else "–" for r in (ours, base)]
        lines.append(f"| {step} | {cells[0]} | {cells[1]} | {goal} |")
    for r, who in ((ours, "ours"), (base, "baseline")):
        if r and "failed" in r:
            lines.append(f"| {who}: {r['failed']} | | | |")
    for run in ("first solve", "re-plan"):
        cells = [
            f"{_fmt(r[run][0])} ({_fmt(r[run][1])})" if r and run in r else "–"
            for r in (ours, base)
        ]
        lines.append(f"| **{run}**, end to end | {cells[0]} | {cells[1]} | ≤ {limit:g} + a few |")
        for phase in (*(p for p, _ in MARKS), "feed tokens and exit"):
            got = [_fmt(r[run][2].get(phase)) if r and run in r else "–" for r in (ours, base)]
            lines.append(f"| &nbsp; {phase} | {got[0]} | {got[1]} | |")
        held = [r[run][2].get("delivered", "–") if r and run in r else "–" for r in (ours, base)]
        lines.append(f"| &nbsp; periods the plan delivers | {held[0]} | {held[1]} | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=list(SCALES), choices=list(SCALES))
    parser.add_argument("--backends", nargs="+", default=["sqlite"])
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", type=Path, help="folder holding an earlier coordinator")
    args = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {_uptime()}")
    scratch = Path(tempfile.mkdtemp(prefix="solve_command_"))
    try:
        for scale in args.scales:
            classrooms, teachers = SCALES[scale]
            folder = scratch / scale
            generate = ["generate", str(folder), "--profile", "tight", "--seed", str(args.seed)]
            _coordinator(
                [*generate, "--classrooms", str(classrooms), "--teachers", str(teachers)], None
            )
            for backend in args.backends:
                ours = measure(folder, backend, scratch, args.limit, None)
                base = None
                if args.baseline is not None:
                    base = measure(folder, backend, scratch, args.limit, args.baseline)
                print("\n".join(table(scale, backend, args.limit, ours, base)))
                print(f"\n_{_uptime()}_\n", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
