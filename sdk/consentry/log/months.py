"""UTC calendar months as ranges of milliseconds: the bounds of the log's monthly partitions (pure).

A partition holds the rows whose ``given_at`` (ms since the epoch) lies in ``[start, end)`` of one
UTC month. Months differ in length (28 to 31 days, leap Februaries), so the bounds come from the
calendar (``datetime``, proleptic Gregorian), never from a fixed number of days, and one month's
end is exactly the next month's start: no gap and no overlap between partitions.

A month is a ``(year, month)`` pair. ``month_of(ms)``, ``bounds(month) -> (start_ms, end_ms)``,
``add(month, n)``, ``parse("2026-12")`` and ``table(month) -> "consent_log_2026_12"``.
"""

import datetime

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MS = datetime.timedelta(milliseconds=1)


def month_of(ms):
    """The UTC month of a time in ms since the epoch (exact integer arithmetic, no float)."""
    when = _EPOCH + datetime.timedelta(milliseconds=ms)
    return when.year, when.month


def add(month, n):
    """The month ``n`` months after ``month`` (``n`` may be negative)."""
    index = month[0] * 12 + month[1] - 1 + n
    return index // 12, index % 12 + 1


def _start_ms(month):
    start = datetime.datetime(month[0], month[1], 1, tzinfo=datetime.timezone.utc)
    return (start - _EPOCH) // _MS


def bounds(month):
    """``(start_ms, end_ms)``: the first ms of the month and the first ms of the next."""
    return _start_ms(month), _start_ms(add(month, 1))


def parse(text):
    """``"2026-12"`` -> ``(2026, 12)``."""
    year, month = text.split("-")
    return int(year), int(month)


def table(month):
    """The partition's table name: ``consent_log_2026_12``."""
    return "consent_log_%04d_%02d" % month
