"""The receiver's time limits (``deadlines.Deadlines``) on a real event loop."""

import asyncio

import pytest

from consentry.log.deadlines import Deadlines, LimitExceeded


def test_a_limit_cuts_off_the_wait_and_leaves_the_task_usable():
    async def main():
        limits = Deadlines(asyncio.get_running_loop(), tick=0.01)
        assert await limits.within(5, asyncio.sleep(0, "done")) == "done"
        never = asyncio.get_running_loop().create_future()
        with pytest.raises(LimitExceeded):
            await limits.within(0.02, never)
        await asyncio.sleep(0)          # no cancellation left pending on the task
        return asyncio.current_task().cancelling()
    assert asyncio.run(main()) == 0


def test_a_cancellation_from_outside_is_not_a_limit():
    async def guarded(limits, started):
        started.set()
        await limits.within(5, asyncio.get_running_loop().create_future())

    async def main():
        limits = Deadlines(asyncio.get_running_loop(), tick=0.01)
        started = asyncio.Event()
        task = asyncio.create_task(guarded(limits, started))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return limits._due
    assert asyncio.run(main()) == {}     # forgotten: nothing left for the sweep to cancel
