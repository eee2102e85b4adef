"""Feed serving speed: coordinator's teacher feed next to nginx serving the same bytes.

    .venv/bin/python benchmarks/feeds.py [--seconds 10] [--connections 50] [--reuse-port]

Builds the demo county in a temporary folder (import, solve, publish), serves it with
`coordinator serve --workers N`, writes a typical teacher feed to a file that nginx serves
as a static file on loopback, and loads both with wrk: 200 responses, and 304 revalidations
(If-None-Match). Prints a markdown table with requests per second, the ratio to nginx, the
server's CPU per request and how it split over the workers (gunicorn's workers share one
listening socket, and whichever wakes first may take all of wrk's connections);
`--reuse-port` serves the same application with a listening socket per worker
(SO_REUSEPORT: the kernel spreads the connections). Needs Debian's nginx and wrk. Only
127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
COORDINATOR = Path(sys.executable).with_name("coordinator")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def coordinator(database: Path, *args: str) -> str:
    command = [str(COORDINATOR), "--db", str(database), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def wait_for(url: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str] | None = None) -> Iterator[int]:
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process.pid
    except Exception:
        log.seek(0)
        print(f"{command[0]} said:\n{log.read().decode(errors='replace')}", file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def nginx_config(folder: Path, port: int, workers: str) -> Path:
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"""{user}worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    types {{ text/calendar ics; }}
    server {{
        listen 127.0.0.1:{port};
        root {folder};
        location / {{
            charset utf-8;
            add_header Cache-Control "private, max-age=0, must-revalidate";
            add_header Referrer-Policy no-referrer;
        }}
    }}
}}
""")
    return config


@dataclass(slots=True)
class Load:
    rate: float  # requests per second
    p99: str
    cpu_us: float  # server CPU per request, all its processes
    busiest: float  # the busiest process's share of that CPU


def wrk(url: str, seconds: int, connections: int, pids: list[int], etag: str | None = None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    before = [cpu_seconds(pid) for pid in pids]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    used = [cpu_seconds(pid) - was for pid, was in zip(pids, before, strict=True)]
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    if rate is None or count is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    total = sum(used)
    return Load(
        float(rate.group(1)),
        p99.group(1) if p99 else "?",
        total * 1e6 / max(int(count.group(1)), 1),
        max(used) / total if total else 0.0,
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process so far, from /proc (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers; nginx's)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def typical_teacher_feed(feeds: list[dict[str, str]], port: int) -> tuple[str, bytes]:
    """The teacher feed of median size (what most subscribers poll)."""
    bodies = []
    for feed in feeds:
        if feed["owner_kind"] != "teacher":
            continue
        url = feed["url"].replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        with urllib.request.urlopen(url, timeout=10) as response:
            bodies.append((url, response.read()))
    bodies.sort(key=lambda item: len(item[1]))
    return bodies[len(bodies) // 2]


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.headers["ETag"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--nginx-workers", default="auto")
    parser.add_argument("--workers", type=int, default=2, help="coordinator serve --workers")
    parser.add_argument(
        "--reuse-port", action="store_true", help="a listening socket per worker (SO_REUSEPORT)"
    )
    parser.add_argument("--serve-reuse-port", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_reuse_port:
        serve_reuse_port(*args.serve_reuse_port)
        return
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        database = folder / "bench.db"
        coordinator(database, "import", str(ROOT / "config" / "demo"), "--shift-to-today")
        coordinator(database, "solve", "--time-limit", "5")
        feeds = json.loads(coordinator(database, "feeds", "--json"))
        app_port, nginx_port = free_port(), free_port()
        env = {**os.environ, "COORDINATOR_FEEDS__COUNTER_TTL_S": "1"}
        serve = [str(COORDINATOR), "--db", str(database), "serve", "--port", str(app_port)]
        serve += ["--workers", str(args.workers)]
        if args.reuse_port:
            serve = [sys.executable, __file__, "--serve-reuse-port", str(database)]
            serve += [str(app_port), str(args.workers)]
        with running(serve, env) as server:
            wait_for(f"http://127.0.0.1:{app_port}/healthz")
            url, body = typical_teacher_feed(feeds, app_port)
            (folder / "feed.ics").write_bytes(body)
            for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (folder / name).mkdir()
            config = nginx_config(folder, nginx_port, args.nginx_workers)
            static = f"http://127.0.0.1:{nginx_port}/feed.ics"
            with running(["nginx", "-p", str(folder), "-c", str(config)]) as nginx:
                wait_for(static)
                pids = {"nginx": family(nginx), "coordinator": family(server)}
                report(url, static, body, pids, args)


def serve_reuse_port(database: str, port: str, workers: str) -> None:
    """`coordinator serve --workers N`, but gunicorn's reuse_port: a socket per worker."""
    from coordinator.cli import server
    from coordinator.observability.metrics import ensure_multiproc_dir
    from coordinator.settings import Settings

    class Workers(server.Workers):
        def load_config(self) -> None:
            super().load_config()
            self.cfg.set("reuse_port", True)

    ensure_multiproc_dir()
    settings = Settings(database_url=database)
    address = settings.server.model_copy(update={"port": int(port)})
    Workers(settings.model_copy(update={"server": address}), int(workers)).run()


def report(
    url: str, static: str, body: bytes, pids: dict[str, list[int]], args: argparse.Namespace
) -> None:
    rows = []
    load_before = os.getloadavg()[0]
    for label, target, etag in (
        ("200", static, None),
        ("200", url, None),
        ("304", static, etag_of(static)),
        ("304", url, etag_of(url)),
    ):
        server = "nginx" if target == static else "coordinator"
        wrk(target, 2, args.connections, pids[server], etag)  # warm-up
        runs = [wrk(target, args.seconds, args.connections, pids[server], etag) for _ in range(2)]
        rows.append((label, server, runs))
    sockets = "a socket per worker" if args.reuse_port else "one shared socket"
    print(
        f"teacher feed: {len(body):,} bytes, {body.count(b'BEGIN:VEVENT')} events; "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, mean of 2 runs; "
        f"nginx worker_processes {args.nginx_workers}, coordinator --workers {args.workers} "
        f"({sockets}); load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n"
    )
    print(
        "| response | server | requests/s | p99 latency | ratio to nginx "
        "| server CPU µs/request | busiest process's share |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    baseline = {
        label: statistics.mean(run.rate for run in runs)
        for label, server, runs in rows
        if server == "nginx"
    }
    for label, server, runs in rows:
        rate = statistics.mean(run.rate for run in runs)
        cpu = statistics.mean(run.cpu_us for run in runs)
        busiest = max(run.busiest for run in runs)
        print(
            f"| {label} | {server} | {rate:,.0f} | {runs[-1].p99} | {rate / baseline[label]:.0%} "
            f"| {cpu:.0f} | {busiest:.0%} |"
        )


if __name__ == "__main__":
    main()
