"""The per-request decision with a memo of decoded cookie values: the engine's answer, faster.

A returning visitor sends the same cookie value on every request, and decoding it (parsing plus
checking every category against the configuration) is most of the cost of a decision. A value
that decoded to a valid record under this configuration stays valid until its ``expiresAt``,
and the only other clock-dependent rule ("given more than 5 minutes in the future") can only
turn from invalid to valid, never back. So valid records are memoised by value, and a hit only
re-checks expiry against the clock; everything else (absent, malformed, future, another
revision...) goes through the engine every time. The state itself is computed by the engine's
``policy.decide`` with the checked record, exactly as the browser does.
"""

import threading
from typing import Optional, cast

from consentry.engine import policy as _policy
from consentry.engine import record as _record
from consentry.types import Config, Record, State

MEMO_SIZE = 2048


def _copy(rec: Record) -> Record:
    """A record the caller may modify without touching the memo."""
    out = cast(Record, dict(rec))
    out["categories"] = dict(rec["categories"])
    out["services"] = {k: dict(v) for k, v in rec["services"].items()}
    return out


class Decider:
    """Decisions for one normalised configuration (one per site, shared by all requests)."""

    def __init__(self, config: Config, memo_size: int = MEMO_SIZE) -> None:
        self.config = config
        self.cookie_name = config["cookie"]["name"]
        self._memo: dict[str, Record] = {}
        self._memo_size = memo_size
        self._lock = threading.Lock()

    def _decode(self, value: str, now: int) -> tuple[Optional[Record], str]:
        rec = self._memo.get(value)
        if rec is not None:
            if rec["expiresAt"] > now:
                return rec, "ok"
            return None, "expired"
        rec, why = _record.decode(value, self.config, now)
        if rec is not None:
            with self._lock:
                if len(self._memo) >= self._memo_size:
                    del self._memo[next(iter(self._memo))]   # oldest first
                self._memo[value] = rec
        return rec, why

    def read(self, cookie_header: str, now: int) -> tuple[Optional[Record], str, Optional[str]]:
        """(record | None, reason, raw value of the winning cookie | None), like
        ``record.read``: the newest valid cookie of the configured name wins."""
        best: Optional[Record] = None
        best_value: Optional[str] = None
        reason = "absent"
        for value in _record.cookie_values(cookie_header, self.cookie_name):
            rec, why = self._decode(value, now)
            if rec is None:
                if reason == "absent":
                    reason = why
            elif best is None or rec["givenAt"] > best["givenAt"]:
                best, best_value = rec, value
        if best is None:
            return None, reason, None
        return _copy(best), "ok", best_value

    def state(self, rec: Optional[Record], reason: str, region: Optional[str], gpc: bool,
              now: int) -> State:
        """The policy state for a record returned by ``read`` with the same ``now``."""
        return cast(State, _policy.decide(self.config, rec, region, gpc, now, None, reason, True))
