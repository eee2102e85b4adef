"""Assistants' phones on a bad network: every report is sent until it is acknowledged.

Each phone follows docs/checkins.md's outbox rules: one Idempotency-Key per report, the same
key on every retry of it; retry on a network error, a timeout or a 5xx, with backoff; a 200
or 201 means stored; anything else is a refusal and is not retried. The control run breaks
exactly one rule — a new key on every retry, as a client without idempotency would behave.
One request per connection, so the fault proxy's rates are per request.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from benchmarks.chaos.world import Planned

REQUEST_TIMEOUT_S = 15.0
MAX_BACKOFF_S = 1.0
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(slots=True)
class Tally:
    """What the phones saw."""

    acknowledged: dict[str, int] = field(default_factory=dict)  # report -> 200 or 201
    replayed: int = 0  # acknowledgements that were a remembered answer (Idempotent-Replayed)
    attempts: int = 0
    keys: int = 0  # distinct Idempotency-Keys sent
    failures: Counter[str] = field(default_factory=Counter)  # why an attempt was retried
    refused: dict[str, str] = field(default_factory=dict)  # report -> status and answer
    in_flight: int = 0


class Phones:
    """`concurrency` phones sending a list of reports through one address."""

    def __init__(
        self,
        port: int,
        *,
        fresh_keys: bool,
        concurrency: int,
        bound_s: float,
        seed: int = 0,
    ) -> None:
        self.url = f"http://127.0.0.1:{port}/api/v1/check-ins"
        self.fresh_keys, self.concurrency = fresh_keys, concurrency
        self.deadline = time.monotonic() + bound_s
        self.tally = Tally()
        self._random = random.Random(seed)

    async def send_all(self, planned: list[Planned]) -> Tally:
        queue = iter(planned)
        connector = aiohttp.TCPConnector(force_close=True, limit=self.concurrency)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def phone() -> None:
                for report in queue:
                    await self._deliver(session, report)

            await asyncio.gather(*(phone() for _ in range(self.concurrency)))
        return self.tally

    async def _deliver(self, session: aiohttp.ClientSession, report: Planned) -> None:
        """Send one report until acknowledged, refused, or out of time."""
        key, attempt = str(uuid.uuid4()), 0
        self.tally.keys += 1
        while time.monotonic() < self.deadline:
            if attempt and self.fresh_keys:
                key = str(uuid.uuid4())
                self.tally.keys += 1
            attempt += 1
            status, replayed, text = await self._post(session, report, key)
            if status in (200, 201):
                self.tally.acknowledged[report.ident] = status
                self.tally.replayed += replayed
                return
            if status not in RETRY_STATUSES and status > 0:
                self.tally.refused[report.ident] = f"{status}: {text[:300]}"
                return
            backoff = min(MAX_BACKOFF_S, 0.05 * 2**attempt)
            await asyncio.sleep(backoff * self._random.uniform(0.5, 1.0))

    async def _post(
        self, session: aiohttp.ClientSession, report: Planned, key: str
    ) -> tuple[int, bool, str]:
        """(status, replayed, answer text); status 0 when no answer arrived."""
        headers = {
            "Authorization": f"Bearer {report.token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        }
        self.tally.attempts += 1
        self.tally.in_flight += 1
        try:
            async with session.post(self.url, data=report.body, headers=headers) as response:
                text = await response.text()
                if response.status in RETRY_STATUSES:
                    self.tally.failures[f"HTTP {response.status}"] += 1
                replayed = response.headers.get("Idempotent-Replayed") == "true"
                return response.status, replayed, text
        except (aiohttp.ClientError, TimeoutError) as error:
            self.tally.failures[type(error).__name__] += 1
            return 0, False, ""
        finally:
            self.tally.in_flight -= 1
