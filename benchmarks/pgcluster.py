"""A throwaway PostgreSQL cluster of its own, for runs that kill the postmaster.

Chaos runs SIGKILL the postmaster and start it again; that must never touch the shared
cluster other tests use. This one lives in a fresh temporary folder (initdb), listens on
127.0.0.1 at a free port with trust authentication, keeps PostgreSQL's durable defaults
(`fsync = on`, `synchronous_commit = on`) and is removed afterwards. PostgreSQL refuses to
run as root, so as root it runs as the `postgres` system user (`runuser`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVICE_USER = "postgres"


async def _admin(server_url: str, statement: str) -> None:
    admin = make_url(server_url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def create_database(server_url: str, name: str) -> str:
    """A new database on the server of `server_url`; its URL (same driver)."""
    await _admin(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, name: str) -> None:
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ClusterError(RuntimeError):
    """The scratch cluster could not be made, started or stopped; the message says why."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin() -> Path:
    found = sorted(Path("/").glob(BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name))
    if not found:
        raise ClusterError(
            f"no PostgreSQL server binaries in {BIN_GLOB} (apt-get install postgresql)"
        )
    return found[-1]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class ScratchCluster:
    """initdb, start, kill the postmaster, start again, and remove: one cluster, one test.

    The postmaster is this process's own child (not daemonised by pg_ctl), so a killed one is
    reaped at once and its pid never lingers as a zombie that blocks the restart.
    """

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.bin = postgres_bin()
        self.postmaster: subprocess.Popen[bytes] | None = None
        self._user = {"user": SERVICE_USER, "group": SERVICE_USER} if os.geteuid() == 0 else {}

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        if self._user:
            user = pwd.getpwnam(SERVICE_USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        command = [
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        ]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=self.folder,
            **self._user,  # type: ignore[call-overload]
        )
        if result.returncode != 0:
            raise ClusterError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def start(self, wait_s: float = 60.0) -> None:
        """Start the postmaster (crash recovery first, after a kill) and wait until it serves."""
        command = [
            str(self.bin / "postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.folder}",
            "-c",
            "max_connections=60",
        ]
        with self.log.open("ab") as log:
            self.postmaster = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                **self._user,  # type: ignore[call-overload]
            )
        deadline = time.monotonic() + wait_s
        while not self._ready():
            if self.postmaster.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                self.stop()
                raise ClusterError(f"PostgreSQL did not start; server.log ends:\n{tail}")
            time.sleep(0.1)

    def _ready(self) -> bool:
        probe = [
            str(self.bin / "pg_isready"),
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
        ]
        return subprocess.run(probe, check=False, timeout=30).returncode == 0

    def kill_postmaster(self, wait_s: float = 30.0) -> None:
        """SIGKILL the postmaster, as the OOM killer would; wait until its backends are gone."""
        postmaster, self.postmaster = self.postmaster, None
        if postmaster is None:
            return
        backends = children_of(postmaster.pid)
        postmaster.kill()
        postmaster.wait(timeout=wait_s)
        deadline = time.monotonic() + wait_s
        while any(alive(pid) for pid in backends):
            if time.monotonic() > deadline:  # orphans that did not notice: ours to end
                for straggler in backends:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(straggler, signal.SIGKILL)
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop at once (immediate shutdown); killed if it does not go within seconds."""
        postmaster = self.postmaster
        if postmaster is None:
            return
        postmaster.send_signal(signal.SIGQUIT)  # PostgreSQL's "immediate shutdown"
        with contextlib.suppress(subprocess.TimeoutExpired):
            postmaster.wait(timeout=20)
        self.kill_postmaster()


@contextlib.contextmanager
def scratch_cluster() -> Iterator[ScratchCluster]:
    """A started cluster of its own; stopped and deleted afterwards, however the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="coordinator-pg-"))  # not under a root-only folder
    cluster = ScratchCluster(folder, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
