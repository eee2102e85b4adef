"""Scheduler fail-over: three `coordinator worker` processes on PostgreSQL, leaders SIGKILLed.

A fresh PostgreSQL database, a small synthetic county, three workers started at once (one
leads through the advisory lock, two stand by, retrying every `leader_retry_s`, 3 s by
default). Then lessons are published whose reminders fall due one after another, and the
leader of the moment is SIGKILLed while they do — twice, so all three workers lead in turn.
Every reminder goes to a real receiver: a webhook on loopback that records each POST.

Measured: how long until a new leader leads (from the kill to its "leading" log line), each
lesson's reminders as delivered (distinct messages and raw POSTs), how late they came, and
how often a reminder job's body ran on more than one leader (a successor catching up within
the misfire grace runs it again; the outbox's ids make that run enqueue nothing).

    .venv/bin/python -m benchmarks.failover --lessons 40 --spacing 1 --kills 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from benchmarks.chaos.scheduler import WORKERS, Result, failover_run
from benchmarks.pgcluster import create_database, drop_database

TAKEOVER_GOAL_S = 10.0  # from a leader's SIGKILL to its successor leading
LATENESS_GOAL_S = 10.0  # from a reminder's due time to its delivery, kills included
POSTGRES = os.environ.get(
    "COORDINATOR_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def row(number: int, result: Result) -> str:
    takeovers = ", ".join(
        f"{t.seconds:.1f}" if t.seconds is not None else "none" for t in result.takeovers
    )
    expected = result.per_lesson * len(result.lessons)
    distinct = sum(result.delivered(key)[0] for key in result.keys)
    raw = sum(result.delivered(key)[1] for key in result.keys)
    runs = sum(result.job_runs.values())
    late = result.lateness()
    return (
        f"| {number} | {takeovers} | {len(result.lessons)} | {expected} | {distinct} | {raw} | "
        f"{len(result.missed)} | {result.after_start} | {max(late, default=0):.1f} | "
        f"{runs} ({runs - len(result.lessons)}) | {max(result.job_runs.values(), default=0)} |"
    )


async def benchmark(args: argparse.Namespace) -> list[Result]:
    results = []
    for number in range(1, args.runs + 1):
        name = f"failover_{os.getpid()}_{number}"
        database = await create_database(args.postgres, name)
        try:
            with tempfile.TemporaryDirectory() as temp:
                results.append(
                    await failover_run(
                        database,
                        Path(temp),
                        lessons=args.lessons,
                        spacing=args.spacing,
                        kills=args.kills,
                    )
                )
        finally:
            await drop_database(args.postgres, name)
        print(row(number, results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=40, help="lessons per run")
    parser.add_argument("--spacing", type=float, default=1.0, help="seconds between reminders")
    parser.add_argument("--kills", type=int, default=2, help="leaders SIGKILLed per run (≤ 2)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=POSTGRES, help="server for a scratch database")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs; {WORKERS} workers; {args.lessons} lessons a run, reminders "
        f"{args.spacing:g} s apart, each to the teacher and the assistant over a webhook; "
        f"{args.kills} leader SIGKILLs a run; leader_retry_s 3 (the default)\n"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}\n")
    print(
        "| run | takeover s (each kill) | lessons | reminders due | delivered (distinct) "
        "| POSTs received | missed | after the start | latest s | job bodies run (re-runs) "
        "| most runs on one leader |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = asyncio.run(benchmark(args))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    print(verdict(results))


def verdict(results: list[Result]) -> str:
    """The timing goals the tests leave to this benchmark, each against its bound."""
    takeovers = [t.seconds for r in results for t in r.takeovers]
    slowest = max((s for s in takeovers if s is not None), default=float("inf"))
    if None in takeovers:
        slowest = float("inf")
    late = max((max(r.lateness(), default=0.0) for r in results), default=0.0)
    after_start = sum(r.after_start for r in results)
    lines = [
        f"slowest takeover {slowest:.1f} s, goal {TAKEOVER_GOAL_S:g} s: "
        f"ratio {slowest / TAKEOVER_GOAL_S:.2f}",
        f"latest reminder {late:.1f} s after due, goal {LATENESS_GOAL_S:g} s: "
        f"ratio {late / LATENESS_GOAL_S:.2f}",
        f"reminders after their lesson began: {after_start} (goal 0)",
    ]
    met = slowest <= TAKEOVER_GOAL_S and late <= LATENESS_GOAL_S and after_start == 0
    return "\n".join([*lines, "goals met" if met else "GOALS MISSED"])


if __name__ == "__main__":
    main()
