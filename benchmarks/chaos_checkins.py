"""Chaos check-ins: faults, SIGKILLed servers and a killed postmaster; nothing lost or doubled.

For each database — SQLite (WAL, synchronous=FULL) and PostgreSQL in a scratch cluster of its
own (fsync and synchronous_commit on) — and each client — `idempotent` (one Idempotency-Key
per report, the same on every retry, as docs/checkins.md asks) and `control` (a new key per
retry, as a client without idempotency) — a fresh database is seeded, `coordinator serve
--workers N` runs behind benchmarks/faultproxy.py (connections cut, answers swallowed after
the server committed), and phones send every report until acknowledged while the server is
SIGKILLed at set shares of the run and started again; on PostgreSQL the postmaster is also
SIGKILLed once and restarted (crash recovery) while the web server keeps running.

Half the reports are check-ins, half problem reports. A check-in exists once per lesson and
classroom (the primary key), so a retry under a new key cannot store it twice; it answers
`unchanged`. A problem report may be sent any number of times per lesson, so a retry under a
new key stores a second row — the duplicate idempotency prevents. Only 127.0.0.1 is used.

    .venv/bin/python -m benchmarks.chaos_checkins --reports 1000 --kills 3 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from benchmarks.chaos.run import POSTMASTER, SERVER, Plan, Result, chaos_run
from benchmarks.pgcluster import create_database, scratch_cluster

MODES = ("idempotent", "control")


def kill_plan(server_kills: int, postmaster: bool) -> tuple[tuple[float, str], ...]:
    """The kills spread evenly over the run; the postmaster's (if any) in the middle."""
    targets = [SERVER] * server_kills
    if postmaster:
        targets.insert(len(targets) // 2 + 1 if targets else 0, POSTMASTER)
    return tuple(((i + 1) / (len(targets) + 1), t) for i, t in enumerate(targets))


async def run_sqlite(args: argparse.Namespace, mode: str) -> Result:
    plan = Plan(args.reset, args.lose, kill_plan(args.kills, postmaster=False))
    with tempfile.TemporaryDirectory(dir=args.tmp) as temp:
        folder = Path(temp)
        return await chaos_run(
            str(folder / "chaos.db"),
            backend="SQLite",
            mode=mode,
            folder=folder,
            reports=args.reports,
            plan=plan,
            workers=args.workers,
            concurrency=args.concurrency,
            bound_s=args.bound,
        )


async def run_postgres(args: argparse.Namespace, modes: list[str]) -> list[Result]:
    plan = Plan(args.reset, args.lose, kill_plan(args.kills, postmaster=True))
    results = []
    with scratch_cluster() as cluster, tempfile.TemporaryDirectory() as temp:
        for mode in modes:
            database = await create_database(cluster.url, f"chaos_{mode}")
            results.append(
                await chaos_run(
                    database,
                    backend="PostgreSQL",
                    mode=mode,
                    folder=Path(temp),
                    reports=args.reports,
                    plan=plan,
                    cluster=cluster,
                    workers=args.workers,
                    concurrency=args.concurrency,
                    bound_s=args.bound,
                )
            )
    return results


def table(results: list[Result]) -> str:
    lines = [
        "| database | client | reports | attempts | cut | answers lost | kills | acknowledged "
        "| replayed | stored | stored twice: check-ins | stored twice: problems "
        "| acknowledged, not stored | s |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        kills = ", ".join(f"{k.target}@{k.acknowledged}" for k in r.kills) or "-"
        lines.append(
            f"| {r.backend} | {r.mode} | {len(r.planned)} | {r.tally.attempts} | "
            f"{r.proxy['reset']} | {r.proxy['lost answer']} | {kills} | {r.acknowledged} | "
            f"{r.tally.replayed} | {r.stored_reports()} | {r.duplicates('check_in')} | "
            f"{r.duplicates('problem')} | {len(r.lost)} | {r.seconds:.0f} |"
        )
    return "\n".join(lines)


def details(results: list[Result]) -> str:
    lines = []
    for r in results:
        downs = ", ".join(f"{k.target} {k.down_s:.1f} s ({k.in_flight} in flight)" for k in r.kills)
        lines.append(
            f"{r.backend} {r.mode}: retried because of {dict(r.tally.failures)}; "
            f"refused {len(r.tally.refused)}; rows of no report {r.strays}; check-ins revised "
            f"{r.stored.revised}, corrections {r.stored.corrections}; down: {downs or '-'}"
        )
    return "\n".join(lines)


async def benchmark(args: argparse.Namespace) -> list[Result]:
    results = []
    if "sqlite" in args.backends:
        for mode in args.modes:
            results.append(await run_sqlite(args, mode))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    if "postgresql" in args.backends:
        results += await run_postgres(args, args.modes)
    return results


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000, help="per run (half check-ins)")
    parser.add_argument("--kills", type=int, default=3, help="server SIGKILLs per run")
    parser.add_argument("--reset", type=float, default=0.15, help="share of connections cut")
    parser.add_argument("--lose", type=float, default=0.25, help="share of answers swallowed")
    parser.add_argument("--workers", type=int, default=2, help="coordinator serve --workers")
    parser.add_argument("--concurrency", type=int, default=32, help="phones sending at once")
    parser.add_argument("--bound", type=float, default=600.0, help="seconds a run may take")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--tmp", default=None, help="folder for the SQLite file (a real disk)")
    return parser


def main() -> None:
    args = parser().parse_args()
    print(
        f"{os.cpu_count()} CPUs; coordinator serve --workers {args.workers}; {args.concurrency} "
        f"phones; {args.reports} reports a run; {args.reset:.0%} of connections cut, "
        f"{args.lose:.0%} of answers lost; {args.kills} server SIGKILLs a run "
        "(+1 postmaster SIGKILL on PostgreSQL)\n"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}\n", flush=True)
    results = asyncio.run(benchmark(args))
    print()
    print(table(results))
    print()
    print(details(results))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
