"""Processes a proof run starts, kills and always ends: `coordinator serve`, `coordinator worker`.

Each runs in a process group of its own (a new session), so a SIGKILL reaches the whole of it
at once — gunicorn's arbiter and its workers die together, as on a power cut of the process —
and nothing outside it is ever signalled. Output goes to a log file that outlives restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

COORDINATOR = Path(sys.executable).with_name("coordinator")


def coordinator_env(**extra: str) -> dict[str, str]:
    """The environment for coordinator processes: a fixed secret key (no key file written)."""
    return {**os.environ, "COORDINATOR_SECRET_KEY": "proof-runs-only-" + "x" * 32, **extra}


class ProcessGroup:
    """One command in its own process group; `kill()` is SIGKILL to the group."""

    def __init__(
        self, command: list[str], *, log: Path, cwd: Path, env: dict[str, str] | None = None
    ) -> None:
        self.command, self.log, self.cwd = command, log, cwd
        self.env = env or coordinator_env()
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self) -> None:
        with self.log.open("ab") as log:
            log.write(f"\n--- start: {' '.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.cwd,
                env=self.env,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _signal_group(self, number: signal.Signals) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, number)

    def kill(self) -> None:
        """SIGKILL to every process of the group, then reap the leader."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1
        self._wait_group_gone()

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM, then SIGKILL after the grace; safe to call in any state (for `finally`)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace_s)
        self._signal_group(signal.SIGKILL)  # stragglers of the group, if any
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        self._wait_group_gone()

    def _wait_group_gone(self, bound_s: float = 10.0) -> None:
        """Until no process of the group is left (gunicorn workers exit after their arbiter)."""
        assert self.process is not None
        deadline = time.monotonic() + bound_s
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)


class Server(ProcessGroup):
    """`coordinator --db URL serve --port P --workers N` on 127.0.0.1."""

    def __init__(self, database: str, port: int, workers: int, *, folder: Path) -> None:
        command = [
            str(COORDINATOR),
            "--db",
            database,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        super().__init__(command, log=folder / "server.log", cwd=folder)
        self.port, self.workers = port, workers

    async def start_ready(self, bound_s: float = 90.0) -> float:
        """Start and wait until every worker could answer; the seconds it took."""
        began = time.monotonic()
        self.start()
        await wait_healthy(self.port, bound_s, alive=self.running)
        if self.workers > 1:
            await asyncio.sleep(1.0)  # gunicorn starts its workers one after the other
        return time.monotonic() - began


async def until(check: Callable[[], bool], *, every_s: float, bound_s: float) -> bool:
    """Poll a condition another task or process changes; False when the bound ran out."""
    deadline = time.monotonic() + bound_s
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every_s)
    return True


async def wait_healthy(port: int, bound_s: float, alive: Callable[[], bool] | None = None) -> None:
    """Until GET /healthz answers 200 (bounded); fails early when the process died."""
    deadline = time.monotonic() + bound_s
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            if alive is not None and not alive():
                raise RuntimeError(f"the server on port {port} exited while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} did not answer in {bound_s:.0f} s")
            await asyncio.sleep(0.1)
