"""One chaos run: the server behind the fault proxy, phones sending, kills at set moments.

The server (`coordinator serve --workers N`) is SIGKILLed when given shares of the reports
have been acknowledged — so requests are always in flight — and started again at once; with
a scratch PostgreSQL cluster the postmaster is SIGKILLed too, and restarted (crash recovery),
while the web server keeps running. Afterwards the rows on disk are matched to the
acknowledgements: every acknowledged report stored, none twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.chaos.phones import Phones, Tally
from benchmarks.chaos.world import Planned, Stored, seed, stored
from benchmarks.faultproxy import FaultProxy
from benchmarks.pgcluster import ScratchCluster, free_port
from benchmarks.processes import Server, until

SERVER, POSTMASTER = "server", "postmaster"


@dataclass(frozen=True, slots=True)
class Plan:
    """What goes wrong during a run."""

    reset: float = 0.15  # share of connections cut
    lose: float = 0.25  # share of answers swallowed after the server committed
    kills: tuple[tuple[float, str], ...] = ((0.25, SERVER), (0.5, SERVER), (0.75, SERVER))


@dataclass(frozen=True, slots=True)
class Kill:
    target: str  # server | postmaster
    acknowledged: int  # reports acknowledged when it struck
    in_flight: int  # requests under way at that moment
    down_s: float  # until serving again


@dataclass(slots=True)
class Result:
    backend: str
    mode: str  # idempotent | control
    planned: list[Planned]
    tally: Tally
    stored: Stored = field(default_factory=Stored)
    proxy: Counter[str] = field(default_factory=Counter)
    kills: list[Kill] = field(default_factory=list)
    seconds: float = 0.0

    def _rows(self, kind: str | None = None) -> list[tuple[Planned, int]]:
        return [(p, self.stored.rows[p.ident]) for p in self.planned if kind in (None, p.kind)]

    @property
    def acknowledged(self) -> int:
        return len(self.tally.acknowledged)

    def stored_reports(self, kind: str | None = None) -> int:
        return sum(1 for _, rows in self._rows(kind) if rows)

    def duplicates(self, kind: str | None = None) -> int:
        """Rows beyond the first, per report: what a retry stored a second time."""
        return sum(max(0, rows - 1) for _, rows in self._rows(kind))

    @property
    def lost(self) -> list[str]:
        """Acknowledged reports missing on disk, or a check-in stored with other figures."""
        missing = [
            p.ident for p, rows in self._rows() if p.ident in self.tally.acknowledged and not rows
        ]
        wrong = [
            p.ident
            for p, rows in self._rows("check_in")
            if rows and self.stored.students.get(p.ident) != p.students
        ]
        return missing + wrong

    @property
    def strays(self) -> int:
        """Rows of no planned report (must be none)."""
        known = {p.ident for p in self.planned}
        return sum(n for ident, n in self.stored.rows.items() if ident not in known)


async def chaos_run(
    database: str,
    *,
    backend: str,
    mode: str,
    folder: Path,
    reports: int,
    plan: Plan,
    cluster: ScratchCluster | None = None,
    workers: int = 2,
    concurrency: int = 16,
    bound_s: float = 120.0,
    seed_value: int = 1,
) -> Result:
    """Seed, serve, send through the proxy while striking; then count what is on disk."""
    planned = await seed(database, reports)
    server = Server(database, free_port(), workers, folder=folder)
    began = time.monotonic()
    try:
        await server.start_ready()
        async with FaultProxy(
            server.port, reset=plan.reset, lose=plan.lose, seed=seed_value
        ) as proxy:
            phones = Phones(
                proxy.port,
                fresh_keys=mode == "control",
                concurrency=concurrency,
                bound_s=bound_s,
                seed=seed_value,
            )
            sending = asyncio.create_task(phones.send_all(planned))
            try:
                kills = await strike(phones, sending, plan, len(planned), server, cluster)
                tally = await sending
            finally:
                if not sending.done():  # a failed strike: the phones stop too
                    sending.cancel()
                    await asyncio.gather(sending, return_exceptions=True)
            counts = Counter(proxy.stats)
    finally:
        await asyncio.to_thread(server.stop)
    result = Result(backend, mode, planned, tally, proxy=counts, kills=kills)
    result.seconds = time.monotonic() - began
    result.stored = await stored(database)
    return result


async def strike(
    phones: Phones,
    sending: asyncio.Task[Tally],
    plan: Plan,
    total: int,
    server: Server,
    cluster: ScratchCluster | None,
) -> list[Kill]:
    """Each kill once its share of reports is acknowledged, while the phones keep sending."""
    kills = []
    for share, target in plan.kills:

        def reached(due: float = share * total) -> bool:
            return len(phones.tally.acknowledged) >= due or sending.done()

        await until(reached, every_s=0.01, bound_s=float("inf"))
        if sending.done():
            break
        acknowledged, in_flight = len(phones.tally.acknowledged), phones.tally.in_flight
        began = time.monotonic()
        if target == SERVER:
            await asyncio.to_thread(server.kill)
            await server.start_ready()
        else:
            if cluster is None:
                raise ValueError("a postmaster kill needs a scratch cluster")
            await asyncio.to_thread(cluster.kill_postmaster)
            await asyncio.sleep(1.0)  # the web server keeps running against no database
            await asyncio.to_thread(cluster.start)
        kills.append(Kill(target, acknowledged, in_flight, time.monotonic() - began))
    return kills
