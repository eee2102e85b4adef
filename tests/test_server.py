"""`coordinator serve --workers 2`: two processes answer on one port, over one database."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.test_demo import free_port

COORDINATOR = Path(sys.executable).with_name("coordinator")


def test_two_workers_share_one_port(tmp_path: Path) -> None:
    port = free_port()
    database = str(tmp_path / "county.db")
    subprocess.run(
        [str(COORDINATOR), "--db", database, "db", "upgrade"], check=True, capture_output=True
    )
    process = subprocess.Popen(
        [str(COORDINATOR), "--db", database, "serve", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as ready:
                    assert json.load(ready)["status"] == "ok"
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    workers.add(json.load(r)["worker"])
            except OSError:  # not listening yet
                time.sleep(0.2)
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert len(workers) == 2
