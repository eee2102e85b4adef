"""Scheduler fail-over with three real `coordinator worker` processes on PostgreSQL.

tests/test_worker.py covers two in-process workers and a terminated lock connection; here
three worker processes run with the production retry interval (3 s), lessons' reminders fall
due one per second, and the leader of the moment is SIGKILLed twice, so each worker leads in
turn. Every reminder goes to a real webhook receiver on loopback. Only what must hold on any
machine is asserted here (a successor leads, every reminder once); how fast a successor leads
and how late reminders come are measured, against their goals, by `benchmarks/failover.py`
(docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.chaos.scheduler import failover_run
from tests.conftest import fresh_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LESSONS = 12


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own: the advisory lock is per database, so no other test's worker
    can hold it."""
    with fresh_postgres_database() as url:
        yield url


async def test_a_new_leader_after_each_kill_and_every_reminder_delivered_once(
    database: str, tmp_path: Path
) -> None:
    result = await failover_run(database, tmp_path, lessons=LESSONS, spacing=1.0, kills=2)
    takeovers = result.takeovers
    assert [t.seconds is not None for t in takeovers] == [True, True], takeovers
    assert len({takeovers[0].killed, takeovers[1].killed, takeovers[1].leader}) == 3
    # No reminder missed, each lesson's two (teacher, assistant) sent once: one outbox row
    # each, all sent, one distinct delivery each (the misfire grace, minutes, lets a successor
    # catch up; whether they came before the lesson began is the benchmark's figure).
    assert result.missed == []
    assert [result.delivered(key)[0] for key in result.keys] == [2] * LESSONS
    assert sorted(result.outbox.values()) == sorted((key, "sent") for key in result.keys * 2)
    # A raw repeat needs a kill between the receiver's answer and the row marked sent (the
    # outbox is at least once); it then carries the same id, which receivers use as the
    # Idempotency-Key. At most one message is in flight per kill.
    assert result.repeated_posts <= len(takeovers)
    # Each reminder job ran on some leader, and a successor skips those recorded as run
    # (job_run): no job runs twice, except one a kill cut off before it was recorded (its
    # second run enqueues nothing new, as the outbox shows).
    assert all(result.runs_of(key) >= 1 for key in result.keys)
    assert max(result.job_runs.values()) == 1
    assert sum(result.runs_of(key) for key in result.keys) - LESSONS <= len(takeovers)
