"""The load tool's fast part: wrk with benchmarks/wrk/*.lua against `coordinator serve
--workers 2` — a check-in burst and revalidating feed polls at once, every request answered
as it should be and every acknowledged check-in on disk. The long run is benchmarks/load.py.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.load import (
    THREADS,
    Measured,
    feed_files,
    on_disk,
    parse_wrk,
    prepare,
    run_wrk,
    warm,
    wrk_command,
)
from benchmarks.pgcluster import free_port
from benchmarks.processes import Server
from tests.conftest import fresh_postgres_database

pytestmark = pytest.mark.slow

CONNECTIONS = 20
CHECKINS = 40_000  # two files of 20,000: a 2 s burst sends far fewer
SECONDS = 2


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "load.db")
        return
    with fresh_postgres_database() as url:
        yield url


async def test_a_burst_and_feed_polls_under_wrk_are_all_answered(
    database: str, tmp_path: Path
) -> None:
    assert shutil.which("wrk"), "wrk is needed (.ci/run installs it)"
    halves, paths = await prepare(
        database, tmp_path, classrooms=8, teachers=3, checkins=CHECKINS, solve_s=2
    )
    port = free_port()
    server = Server(database, port, 2, folder=tmp_path)
    try:
        await server.start_ready()
        _, revalidate = await feed_files(port, paths, tmp_path)
        await warm(port, paths)
        burst, polls = await run_wrk(
            [
                wrk_command(
                    "checkin_burst.lua",
                    port,
                    SECONDS,
                    CONNECTIONS,
                    str(halves[0]),
                    "t",
                    str(THREADS),
                ),
                wrk_command(
                    "feed_poll.lua", port, SECONDS, CONNECTIONS, str(revalidate), str(THREADS)
                ),
            ]
        )
    finally:
        await asyncio.to_thread(server.stop)
    checkins = parse_wrk(burst, Measured("", "burst", ""))
    revalidations = parse_wrk(polls, Measured("", "polls", ""))
    acknowledged = checkins.statuses[201]
    assert set(checkins.statuses) == {201}, burst
    assert acknowledged < CHECKINS // 2  # the file was not used up: every 201 is a new row
    # Every 201 is on disk; requests still in flight when wrk stopped may be too.
    assert acknowledged <= await on_disk(database) <= acknowledged + CONNECTIONS
    assert set(revalidations.statuses) == {304}, polls
    assert revalidations.statuses[304] > 0
