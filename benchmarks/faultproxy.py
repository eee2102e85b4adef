"""A TCP fault proxy for chaos runs: cuts some connections, swallows some answers.

It sits between an HTTP client and a server on loopback. Every accepted connection draws its
fate once (clients send one request per connection, so the rates are per request):

- **reset** (`reset`, about 15%): the connection is cut with a TCP RST, half the time before
  anything reaches the server, half the time after part of the request was forwarded (the
  server reads a truncated request and must not act on it);
- **lost answer** (`lose`, about 25%): the whole request is forwarded and the proxy waits for
  the server's first bytes — the server answers only once its work is committed — then resets
  the client's connection without passing one byte on: the work is done, the client never
  learns it;
- **pass**: bytes flow both ways untouched.

When the server is down (killed, restarting) the proxy resets the client at once ("refused").
`stats` counts every fate. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections import Counter

CHUNK = 64 * 1024
ANSWER_WAIT_S = 60.0  # how long a "lost answer" waits for the server to commit and answer
RESET, LOSE, PASS = "reset", "lost answer", "pass"


def cut(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a dropped mobile link or a crashed host does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until the reader ends; then half-close the other side."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        cut(writer)


class FaultProxy:
    """`async with FaultProxy(upstream_port) as proxy:` then send to `proxy.port`."""

    def __init__(
        self,
        upstream_port: int,
        *,
        reset: float = 0.15,
        lose: float = 0.25,
        seed: int | None = None,
    ) -> None:
        if not 0 <= reset + lose <= 1:
            raise ValueError(f"reset ({reset}) + lose ({lose}) must lie between 0 and 1")
        self.upstream_port = upstream_port
        self.reset, self.lose = reset, lose
        self.stats: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None, "the proxy is not started"
        return int(self._server.sockets[0].getsockname()[1])

    async def __aenter__(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def draw(self) -> str:
        roll = self._random.random()
        return RESET if roll < self.reset else LOSE if roll < self.reset + self.lose else PASS

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer, self.draw())
        except (ConnectionError, OSError, TimeoutError, asyncio.CancelledError):
            cut(writer)  # the proxy closes (cancelled) or a side failed: the client sees a reset
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, fate: str
    ) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            self.stats["refused"] += 1
            cut(writer)
            return
        try:
            if fate == RESET:
                await self._reset(reader, writer, up_writer)
            elif fate == LOSE:
                await self._lose(reader, writer, up_reader, up_writer)
            else:
                await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
                self.stats[PASS] += 1
        finally:
            up_writer.close()

    async def _reset(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_writer: asyncio.StreamWriter,
    ) -> None:
        if self._random.random() < 0.5:
            data = await asyncio.wait_for(reader.read(CHUNK), ANSWER_WAIT_S)
            up_writer.write(data[: len(data) // 2])  # a truncated request reaches the server
            await up_writer.drain()
        self.stats[RESET] += 1
        cut(writer)
        cut(up_writer)

    async def _lose(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
    ) -> None:
        forward = asyncio.create_task(pump(reader, up_writer))
        try:
            answer = await asyncio.wait_for(up_reader.read(CHUNK), ANSWER_WAIT_S)
        finally:
            forward.cancel()
            await asyncio.gather(forward, return_exceptions=True)
        # Only an answer the server actually wrote was "lost"; a server that died first
        # (no bytes) is a reset of the ordinary kind.
        self.stats[LOSE if answer else "upstream died"] += 1
        cut(writer)
        cut(up_writer)
