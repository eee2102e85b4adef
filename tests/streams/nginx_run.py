"""Run a real nginx (with nginx-rtmp) on 127.0.0.1 for the integration tests, and ffmpeg."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from coordinator.streams.nginx import NginxLayout, http_server_block, rtmp_block
from coordinator.streams.rtmp import RtmpSettings

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
START_TIMEOUT = 10.0


def missing_tools() -> str | None:
    """Why the real-nginx tests cannot run here, or None."""
    for tool in ("nginx", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nginx libnginx-mod-rtmp ffmpeg)"
    if not RTMP_MODULE.exists():
        return f"{RTMP_MODULE} is missing (apt-get install libnginx-mod-rtmp)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def standalone_config(settings: RtmpSettings, layout: NginxLayout, run_dir: Path) -> str:
    """The generated blocks wrapped in a main context that lives entirely in `run_dir`."""
    temp = "\n".join(
        f"    {kind}_temp_path {run_dir}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    server = "\n".join(f"    {line}" for line in http_server_block(settings, layout).splitlines())
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""load_module {RTMP_MODULE};
{user}worker_processes 1;
daemon off;
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log info;
events {{ worker_connections 64; }}

{rtmp_block(settings, layout)}
http {{
    access_log {run_dir}/access.log;
{temp}
{server}
}}
"""


async def _wait_for_port(port: int, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    while loop.time() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"nginx did not listen on 127.0.0.1:{port} in {START_TIMEOUT}s")


async def stop(process: asyncio.subprocess.Process, grace: float = 5.0) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def running_nginx(
    settings: RtmpSettings, layout: NginxLayout, run_dir: Path
) -> AsyncIterator[None]:
    """Start nginx in the foreground with its own prefix; stop it whatever happens."""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / kind).mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(standalone_config(settings, layout, run_dir))
    process = await asyncio.create_subprocess_exec(
        "nginx", "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "error.log"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for port in (layout.http_listen, layout.rtmp_listen):
            await _wait_for_port(int(port.rsplit(":", 1)[-1]), process)
        yield
    finally:
        await stop(process)


async def run(*command: str, limit: float) -> tuple[int, str]:
    """Run a command to its end (killed after `limit` seconds); return its exit code and stderr."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), limit)
    except TimeoutError:
        await stop(process)
        return -1, "timed out"
    assert process.returncode is not None
    return process.returncode, stderr.decode(errors="replace")
