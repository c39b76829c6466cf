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
        """Await ``awaitable`` in the current task, cut off after ``seconds`` (one limit per
        task at a time: the body read, then the database wait)."""
        loop = self._loop
        task = asyncio.current_task(loop)
        self._due[task] = loop.time() + seconds
        if self._timer is None:
            self._timer = loop.call_later(self._tick, self._sweep)
        try:
            return await awaitable
        except asyncio.CancelledError:
            if task in self._fired:             # our limit, not a cancellation from outside
                self._fired.discard(task)
                task.uncancel()
                raise LimitExceeded("over %g s" % seconds) from None
            raise
        finally:
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
