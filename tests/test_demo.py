"""The README's main command, as a newcomer runs it: `coordinator demo`, then open the URLs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
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
        admin = re.search(r"^\s+admin\s+password (\S+)", output, re.MULTILINE)
        assert admin is not None, output
        page = sign_in(f"http://127.0.0.1:{port}", "admin", admin.group(1))
        assert page.geturl().endswith("/today")
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()
    assert (tmp_path / "demo.db").exists()
