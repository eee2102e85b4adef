"""Group commit: requests queue up, one writer thread commits each batch in one transaction.

While one batch is being committed (and fsync'd), new requests gather; the next batch takes
them all. A request is answered only after the transaction holding it committed.
`group_commit=False` is the naive path, one transaction per request, kept for comparison.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from sqlalchemy import text

from coordinator.attendance import Answer, Submission
from coordinator.errors import CoordinatorError
from coordinator.observability.metrics import checkin_outcome
from coordinator.services.checkins.batches import (
    CheckinConfig,
    CheckinUnavailableError,
    record_batch,
)
from coordinator.store import Store

log = logging.getLogger(__name__)
Waiting = tuple[Submission, "asyncio.Future[Answer]"]


class CheckinWriter:
    """Accepts check-ins from request handlers and answers each once it is on disk.

    With group commit, batches are written from a thread with its own event loop and its own
    engine on the same database, so a busy web loop does not slow the writer's round trips.
    """

    def __init__(self, store: Store, config: CheckinConfig) -> None:
        self.store, self.config = store, config
        self._closing = False
        self._naive_lock = asyncio.Lock()  # SQLite has one writer: queue here, not busy-wait
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._web_loop: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Waiting | None] | None = None

    async def start(self) -> None:
        if not self.config.group_commit:
            return
        self._web_loop = asyncio.get_running_loop()
        url, search_path = await _same_database(self.store)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(url, search_path),), name="checkin-writer"
        )
        self._thread.start()
        await asyncio.to_thread(self._started.wait)

    async def stop(self) -> None:
        """Commit everything already queued, then stop; later submissions are refused."""
        self._closing = True
        if self._thread is not None and self._loop is not None and self._queue is not None:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
            await asyncio.to_thread(self._thread.join)
            self._thread = None

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
        if self._loop is None or self._queue is None:
            return await self._submit_alone(submission)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (submission, future))
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

    async def _serve(self, url: str, search_path: str | None) -> None:
        """The writer thread's loop: its own store, then batches until told to stop."""
        try:
            store = Store(url, search_path=search_path)
        except Exception:  # start() must not wait for ever; submissions then go alone
            log.exception("check-in writer could not open the store; no group commit")
            self._started.set()
            return
        self._loop, self._queue = asyncio.get_running_loop(), asyncio.Queue()
        self._started.set()
        try:
            await self._run(store, self._queue)
        finally:
            await store.close()

    async def _run(self, store: Store, queue: asyncio.Queue[Waiting | None]) -> None:
        while (first := await queue.get()) is not None:
            batch = [first]
            if self.config.linger_ms:
                await asyncio.sleep(self.config.linger_ms / 1000)
            stop = False
            while len(batch) < self.config.max_batch and not queue.empty():
                item = queue.get_nowait()
                if item is None:
                    stop = True
                    break
                batch.append(item)
            await self._commit(store, batch)
            if stop:
                return

    async def _commit(self, store: Store, batch: list[Waiting]) -> None:
        results: list[Answer | CoordinatorError]
        try:
            results = await record_batch(store, [item for item, _ in batch], self.config.policy)
        except Exception as error:  # the writer must outlive any one bad batch
            if len(batch) > 1:
                log.warning("check-in batch of %d failed (%s); one by one", len(batch), error)
                for item in batch:
                    await self._commit(store, [item])
                return
            log.exception("check-in could not be stored")
            results = [CheckinUnavailableError(f"check-in could not be stored: {error}")]
        assert self._web_loop is not None
        futures = [future for _, future in batch]
        self._web_loop.call_soon_threadsafe(_resolve, futures, results)


def _resolve(
    futures: list[asyncio.Future[Answer]], results: list[Answer | CoordinatorError]
) -> None:
    """On the web loop: answer every request of a committed batch (one wake-up per batch)."""
    for future, result in zip(futures, results, strict=True):
        if future.done():  # the client went away; its retry will get the stored answer
            continue
        if isinstance(result, CoordinatorError):
            future.set_exception(result)
        else:
            future.set_result(result)


async def _same_database(store: Store) -> tuple[str, str | None]:
    """The store's URL (with its password) and, on PostgreSQL, its schema search path."""
    url = store.url.render_as_string(hide_password=False)
    if store.is_sqlite:
        return url, None
    async with store.reader.connect() as connection:
        search_path = (await connection.execute(text("SHOW search_path"))).scalar_one()
    return url, str(search_path)
