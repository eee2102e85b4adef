"""Check-in throughput: acknowledged check-ins per second over HTTP, group commit vs naive.

For each database (SQLite with synchronous=FULL, PostgreSQL) and each write path (group
commit; naive: one transaction per request), a fresh database is seeded, the real application
runs in `--workers` server processes sharing one port (SO_REUSEPORT), and one client posts
distinct check-ins with N in flight until the count or the time runs out; group runs first
measure a no-op GET /healthz with the same client, the HTTP ceiling of the machine at that
moment. The client is wrk with benchmarks/checkins.lua (C: it leaves the cores to the server)
or, with `--client python`, aiohttp in this process. Only 201 answers count as acknowledged;
afterwards the rows on disk are counted, and must equal the acknowledgements. Server CPU per
request comes from /proc; the load average before and after tells whether the machine was
shared. A quick run:

    .venv/bin/python -m benchmarks.checkins --requests 100000 --seconds 20 --concurrency 200 \
        --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import aiohttp
from sqlalchemy import select

from benchmarks.seeding import lesson_key, lessons_under_way
from coordinator import models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from coordinator.store.schema import upgrade

POSTGRES = os.environ.get(
    "COORDINATOR_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
WARM_UP = 500
MODES = ("group", "naive")
ROOT = Path(__file__).parents[1]
LUA = Path(__file__).with_name("checkins.lua")


@dataclass(frozen=True, slots=True)
class Target:
    backend: str
    url: str
    search_path: str | None = None


@dataclass(slots=True)
class Run:
    backend: str
    mode: str
    sent: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    rows: int = 0
    server_cpu: float = 0.0
    database_cpu: float = 0.0  # PostgreSQL's processes on this machine (0 for SQLite)
    busy: float = 0.0  # share of all the machine's cores busy during the run
    ran_out: bool = False  # the client used up its work before the time: a lower bound
    acked: set[tuple[str, str]] = field(default_factory=set)  # (lesson, classroom) of 201s
    lost: int = 0  # acknowledged, yet not on disk afterwards: must be 0

    @property
    def acknowledged(self) -> int:
        return self.statuses[201]

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def seed(target: Target, slots: int) -> list[tuple[str, bytes]]:
    """A fresh schema, the synthetic county, lessons under way now, a token per assistant;
    one ready-to-send request body per (lesson, classroom)."""
    store = Store(target.url, search_path=target.search_path)
    await upgrade(store)
    bundle = generate_bundle(classrooms=60, teachers=25, seed=1)
    await import_bundle(store, bundle, source="benchmark", now=now())
    start = now() - dt.timedelta(minutes=5)
    lessons = -(-slots // len(bundle.classrooms))
    tokens = await lessons_under_way(store, bundle, prefix="bench", count=lessons, start=start)
    await store.close()
    device_time = (start + dt.timedelta(minutes=6)).isoformat()
    return [
        (
            tokens[room.assistant_id],
            json.dumps(
                {
                    "lesson_key": lesson_key("bench", j, start),
                    "classroom_id": room.id,
                    "kind": "check_in",
                    "device_time": device_time,
                    "fields": {"stream_up": True, "students_present": room.students},
                }
            ).encode(),
        )
        for j in range(lessons)
        for room in bundle.classrooms
    ][:slots]


async def stored_slots(target: Target) -> set[tuple[str, str]]:
    """(lesson, classroom) of every check-in on disk."""
    store = Store(target.url, search_path=target.search_path)
    async with store.reader.connect() as connection:
        table = models.AttendanceRow.__table__  # type: ignore[attr-defined]
        found = await connection.execute(select(table.c.lesson_key, table.c.classroom_id))
        slots = {(row.lesson_key, row.classroom_id) for row in found}
    await store.close()
    return slots


async def post_all(
    port: int, work: list[tuple[str, bytes]], seconds: float, concurrency: int, run: Run
) -> None:
    """Post until the work or the time runs out, `concurrency` requests in flight; work
    without a token is a GET /healthz instead (the HTTP ceiling, no database)."""
    base = f"http://127.0.0.1:{port}"
    items = iter(work)
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        for token, body in items:
            if time.perf_counter() > deadline:
                return
            began = time.perf_counter()
            if token:
                request = session.post(
                    f"{base}/api/v1/check-ins",
                    data=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": str(uuid.uuid4()),
                        "Content-Type": "application/json",
                    },
                )
            else:
                request = session.get(f"{base}/healthz")
            async with request as response:
                answer = await response.read()
            run.latencies.append(time.perf_counter() - began)
            if token and response.status == 201:
                report = json.loads(answer)["report"]
                run.acked.add((report["lesson_key"], report["classroom_id"]))
            run.statuses[201 if not token and response.status == 200 else response.status] += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        run.seconds = time.perf_counter() - began
    run.sent = sum(run.statuses.values())
    if len(run.latencies) > 1:
        cuts = statistics.quantiles(run.latencies, n=100)
        run.p50_ms, run.p99_ms = cuts[49] * 1000, cuts[98] * 1000


def wrk_all(
    port: int, work: list[tuple[str, bytes]], seconds: float, concurrency: int, run: Run
) -> None:
    """The same with wrk and benchmarks/checkins.lua, two client threads; no work: /healthz."""
    with (
        tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8") as file,
        tempfile.NamedTemporaryFile("r", suffix=".acks", encoding="utf-8") as acks,
    ):
        file.writelines(f"{token}\t{body.decode()}\n" for token, body in work if token)
        file.flush()
        threads = 2
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{max(concurrency, threads)}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
            "--",
            file.name if any(token for token, _ in work) else "",
            str(threads),
            uuid.uuid4().hex[:12],
        ]
        env = {**os.environ, "CHECKINS_ACKS": acks.name}
        output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
        for line in acks:
            lesson, _, classroom = line.rstrip("\n").partition("\t")
            run.acked.add((lesson, classroom))
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.MULTILINE):
        code = int(status)
        run.statuses[201 if code == 200 and not work[0][0] else code] += int(count)
    took = re.search(r"requests in ([\d.]+)(m?s)", output)
    if took is None:
        raise RuntimeError(f"wrk printed no duration:\n{output}")
    run.seconds = float(took.group(1)) * (60 if took.group(2) == "m" else 1)
    run.sent = sum(run.statuses.values())
    run.ran_out = bool(work[0][0]) and run.sent >= len(work)
    run.p50_ms, run.p99_ms = _wrk_latency(output, "50%"), _wrk_latency(output, "99%")


def _wrk_latency(output: str, percentile: str) -> float:
    found = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if found is None:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU so far of every PostgreSQL process on this machine (backends, WAL writer, ...)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().startswith("postgres"):
                total += cpu_seconds(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat."""
    numbers = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = numbers[3] + numbers[4]  # idle, iowait
    return sum(numbers) - idle, sum(numbers)


def start_servers(target: Target, mode: str, args: argparse.Namespace) -> list[Popen[bytes]]:
    """`--workers` server processes sharing the port (SO_REUSEPORT), each with its own writer."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.checkins",
        "serve",
        "--db",
        target.url,
        "--mode",
        mode,
        "--port",
        str(args.port),
    ]
    if target.search_path:
        command += ["--search-path", target.search_path]
    return [subprocess.Popen(command, cwd=ROOT) for _ in range(args.workers)]


def stop_servers(servers: list[Popen[bytes]]) -> None:
    for server in servers:
        server.send_signal(signal.SIGINT)
    for server in servers:
        server.wait(timeout=60)


async def wait_ready(port: int, processes: int) -> None:
    """Until the port answers, plus a moment for every process to have bound it."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        await asyncio.sleep(2.0 if processes > 1 else 0)
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


async def measure(target: Target, mode: str, args: argparse.Namespace) -> list[Run]:
    """One server process, one write path: the HTTP ceiling (group runs only), then check-ins."""
    work = await seed(target, WARM_UP + args.requests)
    servers = start_servers(target, mode, args)
    runs = [Run(target.backend, "no-op GET /healthz")] if mode == "group" else []
    run = Run(target.backend, mode)
    try:
        await wait_ready(args.port, len(servers))
        warm = Run(target.backend, mode)
        await post_all(args.port, work[:WARM_UP], args.seconds, args.concurrency, warm)
        await analyze(target)
        for ceiling in runs:
            await _timed(servers, ("", b""), args, ceiling)
        await _timed(servers, work[WARM_UP:], args, run)
    finally:
        stop_servers(servers)
    stored = await stored_slots(target)
    run.rows = len(stored) - warm.acknowledged
    run.lost = len(run.acked - stored)
    if len(run.acked) != run.acknowledged:
        raise RuntimeError(f"{len(run.acked)} distinct slots in {run.acknowledged} answers")
    return [*runs, run]


async def analyze(target: Target) -> None:
    """PostgreSQL: statistics for the tables the warm-up filled, as a production database
    has them (autovacuum analyzes a table soon after it grows; a run is over before its
    first pass). Without them the planner keeps plans made for empty tables: per lesson
    and classroom a sequential scan, not a primary-key probe."""
    if target.backend != "PostgreSQL":
        return
    store = Store(target.url, search_path=target.search_path)
    async with store.writer.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")
    await store.close()


async def _timed(
    servers: list[Popen[bytes]],
    work: list[tuple[str, bytes]] | tuple[str, bytes],
    args: argparse.Namespace,
    run: Run,
) -> None:
    items = [work] * args.requests if isinstance(work, tuple) else work
    before = sum(cpu_seconds(server.pid) for server in servers)
    database_before, ticks_before = postgres_cpu_seconds(), machine_ticks()
    if args.client == "wrk":
        await asyncio.to_thread(wrk_all, args.port, items, args.seconds, args.concurrency, run)
    else:
        await post_all(args.port, items, args.seconds, args.concurrency, run)
    run.server_cpu = sum(cpu_seconds(server.pid) for server in servers) - before
    ticks = machine_ticks()
    run.busy = (ticks[0] - ticks_before[0]) / max(ticks[1] - ticks_before[1], 1)
    if run.backend == "PostgreSQL":
        run.database_cpu = postgres_cpu_seconds() - database_before


def table(runs: list[Run]) -> str:
    lines = [
        "| database | write path | sent | acknowledged | s | acknowledged/s | p50 ms | p99 ms "
        "| rows on disk | acknowledged, not on disk | server CPU ms/request "
        "| PostgreSQL CPU ms/request | cores busy | other answers |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        others = {status: n for status, n in run.statuses.items() if status != 201}
        lines.append(
            f"| {run.backend} | {run.mode} | {run.sent} | {run.acknowledged} | "
            f"{run.seconds:.1f} | {run.rate:,.0f}{' (ran out of work)' if run.ran_out else ''} | "
            f"{run.p50_ms:.0f} | {run.p99_ms:.0f} | {run.rows if run.mode in MODES else '-'} | "
            f"{run.lost if run.mode in MODES else '-'} | "
            f"{run.server_cpu * 1000 / max(run.sent, 1):.2f} | "
            f"{f'{run.database_cpu * 1000 / max(run.sent, 1):.2f}' if run.database_cpu else '-'} | "
            f"{run.busy:.0%} | {others or '-'} |"
        )
    for backend in dict.fromkeys(run.backend for run in runs):
        rates = {run.mode: run.rate for run in runs if run.backend == backend}
        if rates.get("naive") and "group" in rates:
            lines.append(f"\n{backend}: group commit {rates['group'] / rates['naive']:.1f}× naive")
        if rates.get("no-op GET /healthz") and "group" in rates:
            share = rates["group"] / rates["no-op GET /healthz"]
            lines.append(f"{backend}: group commit at {share:.0%} of the no-op HTTP ceiling")
    return "\n".join(lines)


async def benchmark(args: argparse.Namespace) -> list[Run]:
    runs = []
    for backend in args.backends:
        for mode in MODES:
            if backend == "sqlite":
                with tempfile.TemporaryDirectory(dir=args.tmp) as folder:
                    target = Target("SQLite", str(Path(folder) / "bench.db"))
                    runs += await measure(target, mode, args)
            else:
                runs += await measure_postgres(mode, args)
            print(table(runs[-1:]).splitlines()[2], file=sys.stderr)
    return runs


async def measure_postgres(mode: str, args: argparse.Namespace) -> list[Run]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Store(args.postgres)
    async with admin.writer.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        return await measure(Target("PostgreSQL", args.postgres, schema), mode, args)
    finally:
        async with admin.writer.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


def serve(args: argparse.Namespace) -> None:
    """The server process: the real application, this write path, no access log."""
    from aiohttp import web

    from coordinator.app import create_app
    from coordinator.services.checkins import CheckinConfig
    from coordinator.settings import Settings
    from coordinator.web.api import CHECKIN_CONFIG

    store = Store(args.db, search_path=args.search_path)
    app = create_app(Settings(database_url=args.db), store)
    app[CHECKIN_CONFIG] = CheckinConfig(group_commit=args.mode == "group")
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None, reuse_port=True)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=["run", "serve"], default="run")
    parser.add_argument("--requests", type=int, default=100000, help="per run, after warm-up")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most, per run")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load client: wrk (C, Debian's wrk) or aiohttp in this process",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes, one port")
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres", default=POSTGRES, help="database for a scratch schema")
    parser.add_argument("--tmp", default=None, help="folder for the SQLite file (a real disk)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["group", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--search-path", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    args = parser().parse_args()
    if args.command == "serve":
        serve(args)
        return
    print(
        f"{os.cpu_count()} CPUs; {args.workers} server processes; {args.client} client; "
        f"{args.concurrency} in flight; up to {args.requests} check-ins or {args.seconds:.0f} s "
        "a run; SQLite synchronous=FULL\n"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}\n")
    runs = asyncio.run(benchmark(args))
    print(table(runs))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
