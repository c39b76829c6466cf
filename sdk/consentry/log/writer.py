"""Group commit: many concurrent beacons, one transaction, one answer per beacon.

A commit costs a disk flush (SQLite) or a round trip (PostgreSQL) whatever its size, so
committing each beacon alone caps the rate at a few hundred a second. Requests ``submit()`` their
entry and wait on the returned future; writer threads take everything queued (up to
``max_batch``), store it in one transaction and resolve every future of the batch: ``True`` once
the rows are committed, or the exception when the transaction failed. A beacon is thus answered
204 only after its row is durable, and 503 when it is not.

When ``max_pending`` entries already wait (the database is slow or away), ``submit`` fails at
once (``Overloaded``) instead of letting requests pile up. When the database refuses one entry's
data (``EntryRefused``), the batch is stored again entry by entry, so that entry alone fails.
"""

import concurrent.futures
import queue
import threading

from .store import EntryRefused, StoreError

_STOP = object()


class Overloaded(StoreError):
    """Too many beacons wait for the database already."""


def store_batch(store, entries):
    """Store ``entries`` in one transaction; the outcome of each: ``None`` (stored) or its error.

    A batch the database refuses for one entry's data is retried entry by entry, so the other
    beacons are still stored; an unreachable database fails the whole batch at once.
    """
    try:
        store.insert_many(entries)
        return [None] * len(entries)
    except EntryRefused as exc:
        if len(entries) == 1:
            return [exc]
    except Exception as exc:
        return [exc if isinstance(exc, StoreError) else StoreError(repr(exc))] * len(entries)
    outcomes = []
    for i, entry in enumerate(entries):
        outcome = store_batch(store, [entry])[0]
        outcomes.append(outcome)
        if outcome is not None and not isinstance(outcome, EntryRefused):
            outcomes += [outcome] * (len(entries) - i - 1)   # the database is away: stop here
            break
    return outcomes


class Writer:
    def __init__(self, store, threads=1, max_batch=1000, max_pending=20_000):
        self.store = store
        self.max_batch = max_batch
        self.max_pending = max_pending
        self._queue = queue.SimpleQueue()
        self._pending = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, name="consentry-log-writer-%d" % i,
                                          daemon=True) for i in range(threads)]
        for t in self._threads:
            t.start()

    def submit(self, entry):
        fut = concurrent.futures.Future()
        with self._lock:
            if self._pending >= self.max_pending:
                fut.set_exception(Overloaded("%d beacons already wait for the database" % self._pending))
                return fut
            self._pending += 1
        self._queue.put((entry, fut))
        return fut

    def _take(self):
        first = self._queue.get()
        if first is _STOP:
            self._queue.put(_STOP)              # the other threads stop too
            return None
        batch = [first]
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                self._queue.put(_STOP)          # for the next thread; this batch still goes in
                break
            batch.append(item)
        # Running futures can no longer be cancelled by a waiter that gave up (it answered 503);
        # the row of one already cancelled is still stored, nobody is told: storing twice is a no-op.
        return [(e, fut if fut.set_running_or_notify_cancel() else None) for e, fut in batch]

    def _run(self):
        while True:
            batch = self._take()
            if batch is None:
                return
            outcomes = store_batch(self.store, [e for e, _ in batch])
            with self._lock:
                self._pending -= len(batch)
            for (_, fut), outcome in zip(batch, outcomes):   # every waiter learns; none is dropped
                if fut is None:
                    continue
                if outcome is None:
                    fut.set_result(True)
                else:
                    fut.set_exception(outcome)

    def close(self):
        """Store what is queued, then stop the threads."""
        self._queue.put(_STOP)
        for t in self._threads:
            t.join()


class AsyncWriter:
    """The same group commit for one event loop (the ASGI receiver).

    Requests queue their entry in the loop and await a loop future; a flush task hands each batch
    to a thread (``threads`` at most at a time) and resolves the batch's futures when it returns.
    One thread hand-off per batch instead of one per beacon: the loop is woken once per commit.
    """

    def __init__(self, store, threads=1, max_batch=1000, max_pending=20_000):
        import concurrent.futures as cf

        self.store = store
        self.threads = threads
        self.max_batch = max_batch
        self.max_pending = max_pending
        self._queue = []
        self._in_flight = 0
        self._flushers = 0
        self._executor = cf.ThreadPoolExecutor(threads, thread_name_prefix="consentry-log-writer")

    async def write(self, entry):
        """Return once ``entry`` is committed; raise ``StoreError`` when it could not be."""
        import asyncio

        if len(self._queue) + self._in_flight >= self.max_pending:
            raise Overloaded("%d beacons already wait for the database" % self.max_pending)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._queue.append((entry, fut))
        if self._flushers < self.threads:
            self._flushers += 1
            loop.create_task(self._flush(loop))
        await fut

    async def _flush(self, loop):
        try:
            while self._queue:
                batch = self._queue[:self.max_batch]
                del self._queue[:self.max_batch]
                self._in_flight += len(batch)
                try:
                    outcomes = await loop.run_in_executor(self._executor, store_batch, self.store,
                                                          [e for e, _ in batch])
                except RuntimeError as exc:     # the executor is shut down: the app is closing
                    outcomes = [StoreError(repr(exc))] * len(batch)
                finally:
                    self._in_flight -= len(batch)
                for (_, fut), outcome in zip(batch, outcomes):   # every waiter learns
                    if fut.done():          # its request gave up waiting (answered 503)
                        continue
                    if outcome is None:
                        fut.set_result(True)
                    else:
                        fut.set_exception(outcome)
        finally:
            self._flushers -= 1

    def close(self):
        self._executor.shutdown(wait=True)
