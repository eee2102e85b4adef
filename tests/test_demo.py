"""The README's main command, as a newcomer runs it: `coordinator demo`, then open the URLs."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPResponse
from http.cookiejar import CookieJar
from pathlib import Path

import icalendar

ROOT = Path(__file__).parents[1]
COORDINATOR = Path(sys.executable).with_name("coordinator")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_until_serving(process: subprocess.Popen[str], deadline: float) -> list[str]:
    assert process.stdout is not None
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Serving "):
            return lines
    raise AssertionError("the demo never said it was serving:\n" + "".join(lines))


def get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read()
        except OSError:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def sign_in(base: str, username: str, password: str) -> HTTPResponse:
    """As a browser does: fetch the form (session cookie, CSRF token), post it, follow."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/signin", timeout=10) as form:
        token = re.search(r'name="_csrf" value="([^"]+)"', form.read().decode())
    assert token is not None
    data = urllib.parse.urlencode(
        {"_csrf": token.group(1), "username": username, "password": password, "next": ""}
    ).encode()
    response: HTTPResponse = opener.open(f"{base}/signin", data=data, timeout=10)
    assert response.status == 200
    return response


def test_demo_imports_solves_serves_and_prints_working_urls(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "COORDINATOR_SOLVER__TIME_LIMIT_S": "3"}
    process = subprocess.Popen(
        [str(COORDINATOR), "demo", "--bundle", str(ROOT / "config" / "demo"), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        output = "".join(read_until_serving(process, deadline))
        assert "31 classrooms" in output
        assert f"Sign in at http://127.0.0.1:{port}/signin as" in output
        assert "the county's calendar: 青山县" in output
        urls = re.findall(rf"http://127\.0\.0\.1:{port}/\S+", output)
        assert f"http://127.0.0.1:{port}/healthz" in urls
        feeds = [url for url in urls if url.endswith(".ics")]
        assert len(feeds) == 4
        for url in [f"http://127.0.0.1:{port}/healthz", *feeds]:
            assert get(url, deadline)[0] == 200, url
        calendar = icalendar.Calendar.from_ical(get(feeds[0], deadline)[1])
        assert calendar.walk("VEVENT")
        assert "The term so far (from " in output
        assert "was ill from" in output  # the sick week, rebalanced
        link = re.search(
            rf"assistant 李秀英's personal sign-in link.*\n\s+(http://127\.0\.0\.1:{port}/a/\S+)",
            output,
        )
        assert link is not None, output
        assert "▄" in output  # its QR code
        status, body = get(link.group(1), deadline)
        assert status == 200
        assert "李秀英" in body.decode()
        admin = re.search(r"^\s+admin\s+password (\S+)", output, re.MULTILINE)
        assert admin is not None, output
        page = sign_in(f"http://127.0.0.1:{port}", "admin", admin.group(1))
        assert page.geturl().endswith("/today")
    finally:
        process.terminate()
        returncode = process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()
    assert returncode == 0  # SIGTERM stops the server and its scheduler cleanly
    assert (tmp_path / "demo.db").exists()


def lock_is_held(path: Path) -> bool:
    """Whether another process holds the worker's flock on `path`."""
    with path.open("ab") as stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
        return False


class Output:
    """The child's output, read by a thread so that the pipe never fills up."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.stream, self.lines = process.stdout, list[str]()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self.stream:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, check: Callable[[str], bool], deadline: float) -> str:
        while not check(self.text):
            assert time.monotonic() < deadline, "not seen in time:\n" + self.text
            time.sleep(0.1)
        return self.text


def test_demo_simulate_runs_server_scheduler_and_simulator_and_stops_on_sigint(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "COORDINATOR_SOLVER__TIME_LIMIT_S": "3",
        "COORDINATOR_NOTIFICATIONS__OUTBOX_POLL_S": "1",
    }
    command = [str(COORDINATOR), "demo", "--bundle", str(ROOT / "config" / "demo")]
    process = subprocess.Popen(
        [*command, "--simulate", "--pace", "1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lock = tmp_path / "demo.db.worker.lock"
    base = f"http://127.0.0.1:{port}"
    output = Output(process)
    try:
        deadline = time.monotonic() + 120
        output.wait_for(
            lambda text: "scheduler: leading (lock file demo.db.worker.lock)" in text, deadline
        )
        assert get(f"{base}/healthz", deadline)[0] == 200
        assert lock_is_held(lock)
        # The scheduler's heartbeat: its outbox job runs every second, in the served process.
        while (
            b'coordinator_jobs_total{job="outbox",result="run"}'
            not in get(f"{base}/metrics", deadline)[1]
        ):
            assert time.monotonic() < deadline, "the scheduler's outbox job never ran"
            time.sleep(0.2)
        text = output.wait_for(
            lambda text: "【主讲未上线】" in text and "reports no_signal" in text, deadline
        )
        assert "Running in this one process (Ctrl+C stops everything):" in text
        assert re.search(r"goes live: .* -> 200 ok", text), text
        assert re.search(r"checks in .* -> 201 recorded$", text, re.MULTILINE), text
        assert re.search(r"checks in .* -> 201 recorded, late$", text, re.MULTILINE), text
    finally:
        process.send_signal(signal.SIGINT)  # the child only, as Ctrl+C would
        returncode = process.wait(timeout=30)
        output.thread.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert returncode == 0, output.text
    assert "scheduler: stopped, leader lock released" in output.text
    assert not lock_is_held(lock)
