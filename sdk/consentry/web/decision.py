"""The per-request decision with a memo: the engine's answer, without redoing its work.

A returning visitor sends the same cookie value on every request, and turning it into a state
(parsing the value, checking every category against the configuration, deciding the policy)
is the whole cost of a decision. For a fixed configuration, that state is a function of the
value, the region and the GPC signal, and of the clock only through the record's validity: a
value that decoded to a valid record stays valid until its ``expiresAt`` (the only other
clock-dependent rule, "given more than 5 minutes in the future", can only turn from invalid to
valid, never back). So the states of valid records are memoised by (value, region, GPC), and a
hit only re-checks the expiry against the clock; so is the state of a request without the
cookie (a first visit, a bot), which does not depend on the clock at all. Everything else
(malformed, future, another revision, several cookies of the name) goes through the engine
every time. Callers get
copies, so a view that edits its state cannot change another request's.
"""

import threading
from typing import Optional, cast

from consentry.engine import policy as _policy
from consentry.engine import record as _record
from consentry.types import Config, Record, State

MEMO_SIZE = 2048


def _copy_record(rec: Record) -> Record:
    out = cast(Record, dict(rec))
    out["categories"] = dict(rec["categories"])
    out["services"] = {k: dict(v) for k, v in rec["services"].items()}
    return out


def _copy(st: State) -> State:
    out = cast(State, dict(st))
    out["categories"] = dict(st["categories"])
    out["services"] = {k: dict(v) for k, v in st["services"].items()}
    if st["record"] is not None:
        out["record"] = _copy_record(st["record"])
    return out


class Decider:
    """Decisions for one normalised configuration (one per site, shared by all requests)."""

    def __init__(self, config: Config, memo_size: int = MEMO_SIZE) -> None:
        self.config = config
        self.cookie_name = config["cookie"]["name"]
        self._memo: dict[tuple[Optional[str], Optional[str], bool], State] = {}
        self._memo_size = memo_size
        self._lock = threading.Lock()

    def _read(self, values: list[str], now: int) -> tuple[Optional[Record], str, Optional[str]]:
        """``record.read`` over the values of the cookie: the newest valid one wins; also
        returns its raw value (the server-set cookie re-issues exactly that)."""
        best: Optional[Record] = None
        best_value: Optional[str] = None
        reason = "absent"
        for value in values:
            rec, why = _record.decode(value, self.config, now)
            if rec is None:
                if reason == "absent":
                    reason = why
            elif best is None or rec["givenAt"] > best["givenAt"]:
                best, best_value = rec, value
        return best, ("ok" if best is not None else reason), best_value

    def decide(self, cookie_header: str, region: Optional[str], gpc: bool,
               now: int) -> tuple[State, Optional[str]]:
        """(the policy state, the raw value of the valid cookie or None) for a request."""
        values = _record.cookie_values(cookie_header, self.cookie_name)
        key = None
        if len(values) <= 1:          # None stands for "no cookie of the name"
            key = (values[0] if values else None, region, gpc)
            hit = self._memo.get(key)
            if hit is not None and (hit["record"] is None or hit["record"]["expiresAt"] > now):
                return _copy(hit), key[0]
        rec, reason, value = self._read(values, now)
        st = cast(State, _policy.decide(self.config, rec, region, gpc, now, None, reason, True))
        if key is None or (rec is None and values):
            return st, value
        with self._lock:
            if len(self._memo) >= self._memo_size:
                del self._memo[next(iter(self._memo))]   # oldest first
            self._memo[key] = st
        return _copy(st), value

    def no_choice(self, now: int) -> State:
        """The state of a visitor without a valid choice and without a region (the fallback)."""
        return cast(State, _policy.decide(self.config, None, None, False, now, None, "internal-error", True))
