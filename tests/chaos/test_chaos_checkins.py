"""Chaos check-ins: behind a fault proxy, with the server SIGKILLed three times (and, on
PostgreSQL, the postmaster too), every acknowledged report is stored and none twice.

The fault proxy cuts about 15% of connections and swallows about 25% of answers after the
server committed; phones retry with the same Idempotency-Key. The control run retries with a
new key instead: problem reports (any number per lesson, unlike check-ins, which the primary
key holds to one per lesson and classroom) are then stored twice — what idempotency prevents.
The long runs are `benchmarks/chaos_checkins.py` (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.chaos.run import POSTMASTER, SERVER, Plan, Result, chaos_run
from benchmarks.pgcluster import ScratchCluster, create_database, scratch_cluster
from tests.conftest import fresh_postgres_database

pytestmark = pytest.mark.slow

REPORTS = 300
BOUND_S = 150.0  # the phones give up after this; a run takes about 30 s on 2 busy CPUs


def assert_exactly_once(result: Result, kills: list[str]) -> None:
    """Every report acknowledged and stored once, with the figures sent; the faults struck."""
    assert result.tally.refused == {}
    assert (result.acknowledged, result.stored_reports()) == (REPORTS, REPORTS)
    assert result.lost == []
    assert (result.duplicates(), result.strays) == (0, 0)
    assert (result.stored.revised, result.stored.corrections) == (0, 0)
    assert [kill.target for kill in result.kills] == kills
    assert sum(kill.in_flight for kill in result.kills) > 0
    assert result.proxy["reset"] > 0
    assert result.proxy["lost answer"] > 0
    assert result.tally.replayed > 0  # lost answers came back as the remembered answer


async def test_sqlite_chaos_stores_every_acknowledged_report_once(tmp_path: Path) -> None:
    result = await chaos_run(
        str(tmp_path / "chaos.db"),
        backend="SQLite",
        mode="idempotent",
        folder=tmp_path,
        reports=REPORTS,
        plan=Plan(),
        bound_s=BOUND_S,
    )
    assert_exactly_once(result, [SERVER] * 3)


@pytest.fixture
def cluster() -> Iterator[ScratchCluster]:
    """A PostgreSQL cluster of this test's own: its postmaster is killed, never the shared one."""
    with scratch_cluster() as started:
        yield started


@pytest.mark.postgres
async def test_postgres_chaos_survives_server_and_postmaster_kills(
    cluster: ScratchCluster, tmp_path: Path
) -> None:
    database = await create_database(cluster.url, "chaos")
    kills = ((0.2, SERVER), (0.4, SERVER), (0.6, POSTMASTER), (0.8, SERVER))
    result = await chaos_run(
        database,
        backend="PostgreSQL",
        mode="idempotent",
        folder=tmp_path,
        reports=REPORTS,
        plan=Plan(kills=kills),
        cluster=cluster,
        bound_s=BOUND_S,
    )
    assert_exactly_once(result, [SERVER, SERVER, POSTMASTER, SERVER])
    assert result.tally.failures["HTTP 503"] > 0  # the database was away, and it said so


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def control_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "control.db")
        return
    with fresh_postgres_database() as url:  # nothing is killed: the shared server will do
        yield url


async def test_control_run_without_idempotency_stores_retried_problems_twice(
    control_database: str, tmp_path: Path
) -> None:
    reports = 150
    result = await chaos_run(
        control_database,
        backend="control",
        mode="control",
        folder=tmp_path,
        reports=reports,
        plan=Plan(kills=()),
        workers=1,
        bound_s=BOUND_S,
    )
    assert result.tally.refused == {}
    assert (result.acknowledged, result.lost, result.strays) == (reports, [], 0)
    assert result.duplicates("check_in") == 0  # one per lesson and classroom: the primary key
    assert 0 < result.duplicates("problem") <= result.proxy["lost answer"]
