"""Time limits for the many requests of one event loop, for the price of one timer.

``asyncio.timeout()`` arms and cancels a timer per use; at thousands of beacons a second the two
limits of a request (reading the body, waiting for the database) cost as much as checking the
beacon. Here a request records its task and deadline in a dict; one timer, armed while anything
is recorded and firing every ``tick`` seconds, cancels the tasks whose deadline has passed. A
limit therefore fires between its deadline and ``tick`` later: right for limits of seconds.

Use, inside the task: ``await deadlines.within(5.0, read())`` returns what ``read()`` returns,
or raises ``LimitExceeded`` (a ``TimeoutError``) once the limit has cut it off.
"""

import asyncio
import weakref


class LimitExceeded(TimeoutError):
    """The time limit of ``Deadlines.within`` passed before the awaited work ended."""


class Deadlines:
    def __init__(self, loop, tick=0.25):
        self._loop = loop
        self._tick = tick
        self._due = {}          # task -> loop time after which it is cancelled
        self._fired = weakref.WeakSet()     # tasks this object cancelled, not yet told
        self._timer = None

    async def within(self, seconds, awaitable):
        """Await ``awaitable`` in the current task, cut off after ``seconds``."""
        task = self.start(seconds)
        try:
            return await awaitable
        except asyncio.CancelledError:
            if self.expired(task):
                raise LimitExceeded("over %g s" % seconds) from None
            raise
        finally:
            self.stop(task)

    def start(self, seconds):
        """Limit the current task to ``seconds`` from now (again: move its deadline)."""
        task = asyncio.current_task(self._loop)
        self._due[task] = self._loop.time() + seconds
        if self._timer is None:
            self._timer = self._loop.call_later(self._tick, self._sweep)
        return task

    def expired(self, task):
        """True, once, when this object cancelled ``task``; its cancellation is then withdrawn."""
        if task in self._fired:
            self._fired.discard(task)
            task.uncancel()
            return True
        return False

    def stop(self, task):
        """The guarded work is over: forget ``task`` (a cancellation it was not told of stays)."""
        self._due.pop(task, None)

    def _sweep(self):
        now = self._loop.time()
        late = [t for t, due in self._due.items() if due <= now]
        for task in late:
            del self._due[task]
            if not task.done():
                self._fired.add(task)
                task.cancel()
        self._timer = self._loop.call_later(self._tick, self._sweep) if self._due else None
