"""Group commit: requests queue up, one writer commits each batch in one transaction.

While one batch is being committed (and fsync'd), new requests gather; the next batch takes
them all. A request is answered only after the transaction holding it committed.
`group_commit=False` is the naive path, one transaction per request, kept for comparison.

The writer is a task on the web loop, not a thread: Python runs one thread at a time, and
a writer thread spent most of each batch waiting for the web loop to let go (a hand-off per
statement, milliseconds each on a busy machine). A submission is a list append; a batch's
answers are set in one go. On PostgreSQL asyncpg's round trips are the only waits; on
SQLite the batch is read and planned on the loop with a blocking engine, and only its write
transaction (waiting for the lock, one INSERT per table, the fsync) goes to a thread of its
own (see `record_batch_apart`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from coordinator.attendance import Answer, Submission
from coordinator.errors import CoordinatorError
from coordinator.observability.metrics import checkin_outcome
from coordinator.services.checkins.batches import (
    CheckinConfig,
    CheckinUnavailableError,
    Results,
    record_batch,
    record_batch_apart,
)
from coordinator.store import Store

log = logging.getLogger(__name__)
Waiting = tuple[Submission, "asyncio.Future[Answer]"]
Record = Callable[[Sequence[Submission]], Awaitable[Results]]
Close = Callable[[], Awaitable[None]]


class CheckinWriter:
    """Accepts check-ins from request handlers and answers each once it is on disk."""

    def __init__(self, store: Store, config: CheckinConfig) -> None:
        self.store, self.config = store, config
        self._closing = False
        self._naive_lock = asyncio.Lock()  # SQLite has one writer: queue here, not busy-wait
        self._lane: _Lane | None = None

    async def start(self) -> None:
        if not self.config.group_commit:
            return
        if not self.store.is_sqlite or self.store.url.database in (None, "", ":memory:"):
            # PostgreSQL; or a SQLite database in memory, which a second engine would not see
            record = functools.partial(record_batch, self.store, policy=self.config.policy)
            self._lane = _Lane(record, self.config)
            return
        try:
            batches = _SqliteBatches(self.store, self.config)
        except Exception:  # submissions then go alone
            log.exception("check-in writer could not open the store; no group commit")
            return
        self._lane = _Lane(batches, self.config, close=batches.close)

    async def stop(self) -> None:
        """Commit everything already queued, then stop; later submissions are refused."""
        self._closing = True
        if self._lane is not None:
            await self._lane.stop()
            self._lane = None

    async def submit(self, submission: Submission) -> Answer:
        """The answer once stored (counted: accepted, replayed, refused or unavailable)."""
        try:
            answer = await self._submit(submission)
        except CheckinUnavailableError:
            checkin_outcome("unavailable")
            raise
        except CoordinatorError:
            checkin_outcome("refused")
            raise
        checkin_outcome("replayed" if answer.replayed else "accepted")
        return answer

    async def _submit(self, submission: Submission) -> Answer:
        if self._closing:
            raise CheckinUnavailableError("the server is shutting down; retry shortly")
        if self._lane is None:
            return await self._submit_alone(submission)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._lane.put((submission, future))
        return await future

    async def _submit_alone(self, submission: Submission) -> Answer:
        if self.store.is_sqlite:
            async with self._naive_lock:
                (result,) = await record_batch(self.store, [submission], self.config.policy)
        else:
            (result,) = await record_batch(self.store, [submission], self.config.policy)
        if isinstance(result, CoordinatorError):
            raise result
        return result


class _SqliteBatches:
    """SQLite batches: read and planned on the loop, written by a thread of their own."""

    def __init__(self, store: Store, config: CheckinConfig) -> None:
        self.reader = store.blocking_engine(write=False)
        self.writer = store.blocking_engine(write=True)
        self.writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkin-writes")
        self.policy = config.policy

    async def __call__(self, submissions: Sequence[Submission]) -> Results:
        return await record_batch_apart(
            self.reader, self.writer, submissions, self.policy, offload=self._offload
        )

    async def _offload(self, blocking: Callable[[], None]) -> None:
        await asyncio.get_running_loop().run_in_executor(self.writes, blocking)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self.writes, self._dispose)
        self.writes.shutdown()

    def _dispose(self) -> None:
        self.reader.dispose()
        self.writer.dispose()


class _Lane:
    """The writer task: takes what waits, up to `max_batch`, records it, answers it."""

    def __init__(self, record: Record, config: CheckinConfig, close: Close | None = None) -> None:
        self.record, self.config, self.close = record, config, close
        self._waiting: list[Waiting] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(self._run(), name="checkin-writer")

    def put(self, waiting: Waiting) -> None:
        self._waiting.append(waiting)
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        try:
            await self._task
        finally:
            if self.close is not None:
                await self.close()

    async def _run(self) -> None:
        while True:
            while not self._waiting:
                if self._stopping:
                    return
                self._wake.clear()
                await self._wake.wait()
            if self.config.linger_ms:
                await asyncio.sleep(self.config.linger_ms / 1000)
            batch = self._waiting[: self.config.max_batch]
            del self._waiting[: self.config.max_batch]
            await self._commit(batch)

    async def _commit(self, batch: list[Waiting]) -> None:
        results: Results
        try:
            results = await self.record([item for item, _ in batch])
        except Exception as error:  # the writer must outlive any one bad batch
            if len(batch) > 1:
                log.warning("check-in batch of %d failed (%s); one by one", len(batch), error)
                for item in batch:
                    await self._commit([item])
                return
            log.exception("check-in could not be stored")
            results = [CheckinUnavailableError(f"check-in could not be stored: {error}")]
        _resolve([future for _, future in batch], results)


def _resolve(futures: list[asyncio.Future[Answer]], results: Results) -> None:
    """On the web loop: answer every request of a committed batch (one wake-up per batch)."""
    for future, result in zip(futures, results, strict=True):
        if future.done():  # the client went away; its retry will get the stored answer
            continue
        if isinstance(result, CoordinatorError):
            future.set_exception(result)
        else:
            future.set_result(result)
