"""Load: a check-in burst and feed polling, driven by wrk, against `coordinator serve --workers 2`.

For each database (SQLite; PostgreSQL in a scratch database of the local server) a synthetic
county (60 classrooms, 25 network teachers) is imported and solved, a token is issued per
assistant and 120,000 check-ins are prepared, each for a lesson and classroom of its own.
Their lessons are dated 16 days back, outside every feed's window (14 days back), so the
feeds being polled stay the county's own (every check-in is then marked late: the same write
path). Then wrk with the Lua scripts in benchmarks/wrk/ runs, one after the other:

1. check-in burst: distinct check-ins, a fresh Idempotency-Key each;
2. feed polling just after a change: the feeds' change counter moves (as on every import or
   publish), so each server worker builds every feed again on its first request for it;
3. feed polling, full: every feed of the county in turn, answered 200 with the calendar,
   once every worker has every feed built (a warm-up fetches each feed ten times);
4. feed polling, revalidating: the same with If-None-Match (what subscribed calendar clients
   mostly send), answered 304;
5. both at once: a burst and revalidating polls together (8:00, lessons start while
   calendars refresh).

Printed: requests/s, p50 and p99 latency, the answers by status (wrk's socket errors too),
and for the bursts the check-ins on disk afterwards: at least the 201 answers (requests in
flight when wrk stops are stored but not counted by wrk). Only 127.0.0.1 is used.

    .venv/bin/python -m benchmarks.load --seconds 10 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from benchmarks.chaos.world import import_county, stored, under_way
from benchmarks.pgcluster import create_database, drop_database, free_port
from benchmarks.processes import COORDINATOR, Server, coordinator_env
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.store import Store

POSTGRES = os.environ.get(
    "COORDINATOR_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
WRK = Path(__file__).with_name("wrk")
CHECKINS = 120_000  # two files of 60,000: more than a 10 s burst sends
THREADS = 2


@dataclass(slots=True)
class Measured:
    backend: str
    scenario: str
    command: str
    rate: float = 0.0
    p50: str = "?"
    p99: str = "?"
    statuses: Counter[int] = field(default_factory=Counter)
    errors: str = ""
    stored: int | None = None  # check-ins on disk afterwards (bursts only)
    wrapped: bool = False  # the burst sent more than its file holds: repeats were "unchanged"


def wrk_command(script: str, port: int, seconds: int, connections: int, *extra: str) -> list[str]:
    """wrk with one of benchmarks/wrk/*.lua; `extra` are the script's arguments."""
    return [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(WRK / script),
        f"http://127.0.0.1:{port}",
        "--",
        *extra,
    ]


def parse_wrk(output: str, measured: Measured) -> Measured:
    """Requests/s, the 50th and 99th percentile, the statuses the script counted, errors."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    measured.rate = float(rate.group(1))
    for name in ("50", "99"):
        found = re.search(rf"^\s+{name}%\s+(\S+)", output, re.MULTILINE)
        setattr(measured, f"p{name}", found.group(1) if found else "?")
    for status, count in re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE):
        measured.statuses[int(status)] += int(count)
    errors = re.search(r"Socket errors:.*", output)
    measured.errors = errors.group(0) if errors else ""
    return measured


def shown(command: list[str], port: int, folder: Path) -> str:
    """The command as docs/benchmarks.md prints it: the port and folder as placeholders."""
    text = " ".join(command).replace(str(port), "PORT").replace(str(folder) + "/", "")
    return text.replace(str(WRK.parent.parent) + "/", "")


async def prepare(
    database: str,
    folder: Path,
    *,
    classrooms: int = 60,
    teachers: int = 25,
    checkins: int = CHECKINS,
    solve_s: float = 5,
) -> tuple[list[Path], list[str]]:
    """The county imported and solved, the check-in files (two halves), the feeds' paths."""
    bundle = await import_county(database, classrooms=classrooms, teachers=teachers)
    cli(database, folder, "solve", "--time-limit", str(solve_s))
    planned = await under_way(
        database, bundle, checkins, kinds=("check_in",), started_ago=dt.timedelta(days=16)
    )
    halves = [folder / "checkins-1.tsv", folder / "checkins-2.tsv"]
    for number, half in enumerate(halves):
        lines = [f"{p.token}\t{p.body.decode()}\n" for p in planned[number::2]]
        half.write_text("".join(lines))
    feeds = json.loads(cli(database, folder, "feeds", "--json"))
    return halves, [urlsplit(feed["url"]).path for feed in feeds]


def cli(database: str, folder: Path, *args: str) -> str:
    command = [str(COORDINATOR), "--db", database, *args]
    result = subprocess.run(
        command, cwd=folder, env=coordinator_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


async def feed_files(port: int, paths: list[str], folder: Path) -> tuple[Path, Path]:
    """feeds-full.tsv (no ETag: 200) and feeds-etag.tsv (If-None-Match: 304)."""
    etags = []
    async with aiohttp.ClientSession() as session:
        for path in paths:
            async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: {response.status}")
                etags.append(response.headers["ETag"])
    full, revalidate = folder / "feeds-full.tsv", folder / "feeds-etag.tsv"
    full.write_text("".join(f"{path}\t\n" for path in paths))
    revalidate.write_text("".join(f"{p}\t{e}\n" for p, e in zip(paths, etags, strict=True)))
    return full, revalidate


async def run_wrk(commands: list[list[str]]) -> list[str]:
    """The wrk processes at once; their outputs."""
    processes = [
        await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        for command in commands
    ]
    try:
        outputs = [(await process.communicate())[0].decode() for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return outputs


async def warm(port: int, paths: list[str], times: int = 10) -> None:
    """Every feed requested `times` times, each on a new connection, so that every server
    worker (connections go to whichever accepts first) has built it; a few at a time."""
    connector = aiohttp.TCPConnector(force_close=True, limit=8)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch(path: str) -> None:
            for _ in range(times):
                async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                    await response.read()

        await asyncio.gather(*(fetch(path) for path in paths))


async def change(database: str) -> None:
    """What every import, publish or token change does: the feeds' change counter moves, and
    every worker drops its rendered feeds."""
    store = Store(database)
    try:
        async with store.write() as session:
            await bump_counter(session, FEEDS, dt.datetime.now(dt.UTC))
    finally:
        await store.close()


async def scenarios(
    backend: str, database: str, folder: Path, args: argparse.Namespace
) -> list[Measured]:
    halves, paths = await prepare(database, folder)
    port = free_port()
    server = Server(database, port, args.workers, folder=folder)
    results: list[Measured] = []

    def wrk(script: str, connections: int, *extra: str) -> list[str]:
        return wrk_command(script, port, args.seconds, connections, *extra, str(THREADS))

    try:
        await server.start_ready()
        full, revalidate = await feed_files(port, paths, folder)
        burst1 = wrk("checkin_burst.lua", args.connections, str(halves[0]), "burst1")
        burst2 = wrk("checkin_burst.lua", args.connections, str(halves[1]), "burst2")
        polls, revalidations = (
            wrk("feed_poll.lua", 50, str(full)),
            wrk("feed_poll.lua", 50, str(revalidate)),
        )
        plan: list[tuple[str, list[list[str]], Callable[[], Awaitable[None]] | None]] = [
            ("check-in burst", [burst1], None),
            ("feed polling just after a change (200, cold)", [polls], lambda: change(database)),
            ("feed polling, full (200)", [polls], lambda: warm(port, paths)),
            ("feed polling, revalidating (304)", [revalidations], None),
            ("burst + revalidating polls at once", [burst2, revalidations], None),
        ]
        for name, commands, before_run in plan:
            if before_run is not None:
                await before_run()
            rows_before = await on_disk(database)
            outputs = await run_wrk(commands)
            for command, output in zip(commands, outputs, strict=True):
                label = name if len(commands) == 1 else f"{name}: {Path(command[6]).stem}"
                measured = parse_wrk(output, Measured(backend, label, shown(command, port, folder)))
                results.append(measured)
                if "checkin" in command[6]:
                    measured.stored = await on_disk(database) - rows_before
                    measured.wrapped = sum(measured.statuses.values()) > CHECKINS // 2
            print(table(results[-len(commands) :], header=False), flush=True)
    finally:
        await asyncio.to_thread(server.stop)
    return results


async def on_disk(database: str) -> int:
    return sum((await stored(database)).rows.values())


def table(results: list[Measured], header: bool = True) -> str:
    lines = (
        [
            "| database | scenario | requests/s | p50 | p99 | answers | check-ins on disk |",
            "|---|---|---:|---:|---:|---|---:|",
        ]
        if header
        else []
    )
    for m in results:
        answers = ", ".join(f"{n:,} × {s}" for s, n in sorted(m.statuses.items()))
        lines.append(
            f"| {m.backend} | {m.scenario} | {m.rate:,.0f} | {m.p50} | {m.p99} | "
            f"{answers}{'; ' + m.errors if m.errors else ''} | "
            f"{'-' if m.stored is None else f'{m.stored:,}'}{' (wrapped)' if m.wrapped else ''} |"
        )
    return "\n".join(lines)


async def benchmark(args: argparse.Namespace) -> list[Measured]:
    results = []
    for backend in args.backends:
        with tempfile.TemporaryDirectory(dir=args.tmp) as temp:
            folder = Path(temp)
            if backend == "sqlite":
                results += await scenarios("SQLite", str(folder / "load.db"), folder, args)
                continue
            name = f"load_{os.getpid()}"
            database = await create_database(args.postgres, name)
            try:
                results += await scenarios("PostgreSQL", database, folder, args)
            finally:
                await drop_database(args.postgres, name)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", type=int, default=100, help="for the bursts")
    parser.add_argument("--workers", type=int, default=2, help="coordinator serve --workers")
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres", default=POSTGRES, help="server for a scratch database")
    parser.add_argument("--tmp", default=None, help="folder for the SQLite file (a real disk)")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs; coordinator serve --workers {args.workers}; wrk -t{THREADS}, "
        f"{args.seconds} s a run; wrk, the server and the database share the machine\n"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}\n", flush=True)
    results = asyncio.run(benchmark(args))
    print()
    print(table(results))
    print("\ncommands:")
    for command in dict.fromkeys(m.command for m in results):
        print(f"  {command}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
