"""Job rows on both databases: claimed once, beating, finished by their runner, swept."""

from __future__ import annotations

import asyncio
import datetime as dt

from coordinator.services.jobs import records
from coordinator.store import Store

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
STALE = dt.timedelta(seconds=30)


async def _job(store: Store) -> int:
    params = {"time_limit_s": 5.0}
    return await records.create_job(store, kind="solve", params=params, requested_by="a", now=NOW)


async def test_claim_lets_exactly_one_of_many_runners_take_a_job(store: Store) -> None:
    job_id = await _job(store)
    claims = await asyncio.gather(
        *(records.claim(store, job_id, worker=f"w{n}", now=NOW) for n in range(5))
    )
    assert sorted(claims) == [False] * 4 + [True]
    row = await records.get_job(store, job_id)
    assert (row.state, row.attempts) == (records.RUNNING, 1)
    assert row.worker == f"w{claims.index(True)}"


async def test_beat_stores_progress_and_answers_a_stop_request(store: Store) -> None:
    job_id = await _job(store)
    assert await records.claim(store, job_id, worker="w", now=NOW)
    later = NOW + dt.timedelta(seconds=1)
    assert not await records.beat(store, job_id, worker="w", progress={"phase": "x"}, now=later)
    await records.request_stop(store, job_id)
    assert await records.beat(store, job_id, worker="w", progress={"phase": "y"}, now=later)
    row = await records.get_job(store, job_id)
    assert (row.progress, row.heartbeat_at) == ({"phase": "y"}, later)


async def test_only_the_runner_holding_a_job_may_finish_it(store: Store) -> None:
    job_id = await _job(store)
    assert await records.claim(store, job_id, worker="w1", now=NOW)
    assert not await records.finish(store, job_id, worker="w2", state=records.DONE, now=NOW)
    assert await records.finish(
        store, job_id, worker="w1", state=records.DONE, now=NOW, result={"plan": 1}
    )
    row = await records.get_job(store, job_id)
    assert (row.state, row.result, row.finished_at) == (records.DONE, {"plan": 1}, NOW)


async def test_sweep_queues_a_silent_job_again_then_fails_it(store: Store) -> None:
    job_id = await _job(store)
    assert await records.claim(store, job_id, worker="dead", now=NOW)
    late = NOW + STALE + dt.timedelta(seconds=1)
    swept = await records.sweep(store, now=late, stale=STALE, max_attempts=2)
    assert swept == records.Swept(requeued=(job_id,), failed=())
    # The dead worker, were it only slow, is told to stop: the job is no longer its own.
    assert await records.beat(store, job_id, worker="dead", progress={}, now=late)
    assert await records.claim(store, job_id, worker="second", now=late)
    later = late + STALE + dt.timedelta(seconds=1)
    swept = await records.sweep(store, now=later, stale=STALE, max_attempts=2)
    assert swept == records.Swept(requeued=(), failed=(job_id,))
    row = await records.get_job(store, job_id)
    assert (row.state, row.attempts) == (records.FAILED, 2)
    assert "stopped answering" in row.error


async def test_sweep_leaves_a_beating_job_alone(store: Store) -> None:
    job_id = await _job(store)
    assert await records.claim(store, job_id, worker="w", now=NOW)
    beat_at = NOW + STALE
    await records.beat(store, job_id, worker="w", progress={}, now=beat_at)
    swept = await records.sweep(
        store, now=beat_at + dt.timedelta(seconds=5), stale=STALE, max_attempts=2
    )
    assert swept == records.Swept(requeued=(), failed=())
    assert (await records.get_job(store, job_id)).state == records.RUNNING
