"""Scale: the tight district and province side by side — reading, importing, solving at a limit.

Each measurement runs in its own process (its peak memory, ru_maxrss, is its own):

- `validate`: `read_bundle` of the CSV folder (what `coordinator validate` does);
- `import`: `read_bundle` then `import_into` a new SQLite file (what `coordinator import` does);
- `naive`: first fit, one classroom per session, no broadcasts (the tightness yardstick);
- `construction`: the construction as `solve` runs it, bounded by half the limit;
- `solve`: `solve_and_store` on the imported SQLite file, timed from the call to its return
  (reading the data, building the problem, solving, validating, explaining and storing), the
  way `coordinator solve --time-limit S` spends it before dating the lessons;
- `pure`: `solve(problem, time_limit_s=S)` alone on the built problem (no database), timed
  from the call to its return: whether the limit is kept and what it delivers (``--pure``);
- `bound`: the LP-relaxation bound at district scale; at province scale the LP of the whole
  model is out of reach, so the cheaper *counting bound* (``quick_bound``) is printed, labelled.

With ``--baseline DIR`` (a folder holding an earlier ``coordinator`` package, made with
``git archive COMMIT coordinator | tar -x -C DIR``) the validate, import and solve rows run
again with that package first on ``PYTHONPATH``, printed beside ours in the same run:

    mkdir -p /tmp/base && git archive 89ae6be coordinator | tar -x -C /tmp/base
    .venv/bin/python benchmarks/solver_scale.py --baseline /tmp/base --limits 10 60

CPU seconds are printed beside wall seconds: on a shared machine the wall clock also counts
other processes' turns.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALES = {"district": (600, 200), "province": (6000, 2000)}
GOALS = {"validate": 15.0, "import": 30.0}  # province goals, seconds
LP_LIMIT_S = 240.0  # GLOP's time limit for the district's LP bound
NOW = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
Row = dict[str, Any]


def _usage() -> Row:
    self = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": self.ru_utime + self.ru_stime, "peak_mb": self.ru_maxrss / 1024}


def _read(folder: Path) -> Any:
    from coordinator.bundle import read_bundle

    report = read_bundle(folder)
    assert report.bundle is not None, [str(p) for p in report.errors[:5]]
    return report.bundle


def _imported(folder: Path, database: Path) -> None:
    from coordinator.services.data.imports import import_into
    from coordinator.store import Store

    async def run() -> None:
        store = Store(str(database))
        try:
            await import_into(store, _read(folder), source="bench", now=NOW)
        finally:
            await store.close()

    asyncio.run(run())


def _solved(database: Path, limit: float) -> Row:
    from coordinator.services.planning.solve import solve_and_store
    from coordinator.settings import SolverSettings
    from coordinator.store import Store

    async def run() -> Row:
        store = Store(str(database))
        try:
            started = time.monotonic()
            stored = await solve_and_store(
                store, SolverSettings(num_workers=2), now=NOW, time_limit_s=limit
            )
            wall = time.monotonic() - started
        finally:
            await store.close()
        stats = stored.plan.stats
        return {
            "wall_s": wall,
            "delivered": stats.delivered_periods,
            "continuity": stats.continuity,
        }

    return asyncio.run(run())


def _problem(folder: Path, limit: float) -> Any:
    from coordinator.timetable import SolverOptions, build_problem

    return build_problem(_read(folder), SolverOptions(time_limit_s=limit, num_workers=2))


def _pure_row(kind: str, folder: Path, limit: float) -> Row:
    """naive, construction and bound: the pure solver on the bundle, no database."""
    from coordinator.timetable import lp_bound, quick_bound, validate_plan
    from coordinator.timetable.baseline import naive_plan
    from coordinator.timetable.broadcasts import construct
    from coordinator.timetable.plan import GREEDY
    from coordinator.timetable.solve import finish

    built = time.monotonic()
    problem = _problem(folder, limit)
    started = time.monotonic()
    if kind == "pure":
        from coordinator.timetable import solve

        cpu = time.process_time()
        solved = solve(problem, time_limit_s=limit)
        wall = time.monotonic() - started
        assert validate_plan(problem, solved) == []
        return {
            "wall_s": wall,
            "cpu_s": time.process_time() - cpu,
            "build_s": started - built,
            "delivered": solved.stats.delivered_periods,
            "continuity": solved.stats.continuity,
            "load": os.getloadavg()[0],
        }
    if kind == "bound":
        quick = quick_bound(problem)
        if len(problem.classrooms) > SCALES["district"][0]:
            return {"bound": quick, "method": "counting bound (no LP at this size)"}
        value = lp_bound(problem, LP_LIMIT_S)
        if value < quick:
            return {"bound": value, "method": "LP relaxation (GLOP)"}
        return {"bound": quick, "method": f"counting bound (LP not lower within {LP_LIMIT_S:g} s)"}
    if kind == "naive":
        plan = naive_plan(problem)
    else:
        drafts = construct(problem, started + 0.5 * limit, improve=False)
        plan = finish(problem, drafts, GREEDY, started=started, bound=False)
    assert validate_plan(problem, plan) == []
    wall = time.monotonic() - started
    return {"wall_s": wall, "delivered": plan.stats.delivered_periods}


def row_source(stderr: str) -> str:
    """The coordinator package a row ran (its child prints it on stderr)."""
    return next((line for line in stderr.splitlines() if line.startswith("coordinator: ")), "")


def run_row(kind: str, folder: Path, limit: float) -> Row:
    """One measurement, in this process."""
    import coordinator

    print(f"coordinator: {coordinator.__file__}", file=sys.stderr)
    started = time.monotonic()
    if kind == "validate":
        _read(folder)
        row: Row = {"wall_s": time.monotonic() - started}
    elif kind == "import":
        with tempfile.TemporaryDirectory() as scratch:
            _imported(folder, Path(scratch) / "bench.db")
        row = {"wall_s": time.monotonic() - started}
    elif kind == "solve":
        with tempfile.TemporaryDirectory() as scratch:
            database = Path(scratch) / "bench.db"
            _imported(folder, database)
            before = _usage()["cpu_s"]
            row = _solved(database, limit)
            row["cpu_s"] = _usage()["cpu_s"] - before
        return {**_usage(), **row}
    else:
        row = _pure_row(kind, folder, limit)
    return {**_usage(), **row}


def _child(kind: str, folder: Path, limit: float, baseline: Path | None = None) -> Row:
    env = dict(os.environ)
    if baseline is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(baseline), env.get("PYTHONPATH", "")])
    # Run as a script, not a module: the repository folder must not come first on sys.path,
    # or its coordinator would shadow the baseline's.
    command = [sys.executable, __file__, "--row", kind, str(folder), "--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert baseline is None or str(baseline) in row_source(done.stderr), done.stderr[-500:]
    row: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def _generate(scale: str, seed: int, folder: Path) -> Path:
    from coordinator.bundle import write_bundle_csv
    from coordinator.bundle.synthetic import generate_bundle

    classrooms, teachers = SCALES[scale]
    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed, profile="tight")
    target = folder / scale
    write_bundle_csv(bundle, target)
    return target


def _fmt(row: Row | None, key: str, digits: int = 1) -> str:
    if row is None or key not in row:
        return "–"
    value = row[key]
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _reading_table(scale: str, ours: dict[str, Row], base: dict[str, Row]) -> list[str]:
    lines = [
        f"#### {scale}: reading the bundle\n",
        "| step | wall s | CPU s | peak MB | baseline wall s | baseline CPU s | goal s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("validate", "import"):
        goal = f"{GOALS[kind]:.0f}" if scale == "province" else "–"
        row, old = ours[kind], base.get(kind)
        lines.append(
            f"| {kind} | {_fmt(row, 'wall_s')} | {_fmt(row, 'cpu_s')} | {_fmt(row, 'peak_mb', 0)} "
            f"| {_fmt(old, 'wall_s')} | {_fmt(old, 'cpu_s')} | {goal} |"
        )
    return lines


def _solving_table(scale: str, rows: list[tuple[str, Row]], bound: Row) -> list[str]:
    upper = bound["bound"]
    lines = [
        f"\n#### {scale}: solving — bound {upper} ({bound['method']})\n",
        "| method | limit s | wall s | CPU s | delivered | % of bound | continuity | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in rows:
        share = 100 * row["delivered"] / max(upper, 1)
        lines.append(
            f"| {label} | {_fmt(row, 'limit')} | {_fmt(row, 'wall_s')} | {_fmt(row, 'cpu_s')} "
            f"| {row['delivered']} | {share:.1f} | {_fmt(row, 'continuity', 3)} "
            f"| {_fmt(row, 'peak_mb', 0)} |"
        )
    return lines


def _scale(scale: str, folder: Path, args: argparse.Namespace) -> list[str]:
    limit0 = args.limits[0]
    ours = {kind: _child(kind, folder, limit0) for kind in ("validate", "import")}
    base: dict[str, Row] = {}
    if args.baseline is not None:
        base = {
            kind: _child(kind, folder, limit0, args.baseline) for kind in ("validate", "import")
        }
    rows: list[tuple[str, Row]] = [
        ("naive first-fit, no broadcasts", _child("naive", folder, limit0)),
        (f"construction (half of {limit0:g} s)", _child("construction", folder, limit0)),
    ]
    for limit in args.limits:
        rows.append(
            (
                f"solve, stored (limit {limit:g} s)",
                {"limit": limit} | _child("solve", folder, limit),
            )
        )
        if args.baseline is not None and limit == limit0:
            row = _child("solve", folder, limit, args.baseline)
            rows.append((f"baseline solve, stored (limit {limit:g} s)", {"limit": limit} | row))
    bound = _child("bound", folder, limit0)
    return _reading_table(scale, ours, base) + _solving_table(scale, rows, bound)


def _pure(scale: str, folder: Path, args: argparse.Namespace) -> list[str]:
    """Only the pure solve at each limit, ours then the baseline's, one process after the other."""
    rows: list[tuple[str, Row]] = []
    if not args.no_naive:
        rows.append(("naive first-fit, no broadcasts", _child("naive", folder, 1.0)))
    for limit in args.limits:
        rows.append(
            (f"solve (limit {limit:g} s)", {"limit": limit} | _child("pure", folder, limit))
        )
        if args.baseline is not None:
            row = _child("pure", folder, limit, args.baseline)
            rows.append((f"baseline solve (limit {limit:g} s)", {"limit": limit} | row))
    bound = _child("bound", folder, args.limits[0])
    for label, row in rows:
        if "load" in row:
            print(
                f"{scale} {label}: load {row['load']:.1f}, build {row['build_s']:.1f} s", flush=True
            )
    return _solving_table(scale, rows, bound)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=list(SCALES), choices=list(SCALES))
    parser.add_argument("--limits", nargs="+", type=float, default=[10.0, 60.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", type=Path, help="folder holding an earlier coordinator")
    parser.add_argument(
        "--pure", action="store_true", help="only the pure solve rows (no reading, no database)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive first-fit row")
    parser.add_argument("--row", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, default=10.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        print(json.dumps(run_row(args.row[0], Path(args.row[1]), args.limit)))
        return
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs; load average before: {load:.1f}; tight, seed {args.seed}\n")
    with tempfile.TemporaryDirectory() as scratch:
        for scale in args.scales:
            folder = _generate(scale, args.seed, Path(scratch))
            table = _pure(scale, folder, args) if args.pure else _scale(scale, folder, args)
            print("\n".join(table), "\n", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
