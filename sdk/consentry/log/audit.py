"""The auditor's view of stored rows: times in, text out (pure; no database, no I/O but ``out``).

``parse_since("2026-01-31")``, ``parse_since("30d")`` and ``parse_age("400d")`` turn command-line
times into milliseconds; ``write_history``, ``write_export`` (``jsonl`` or ``csv``) and
``write_stats`` print rows from ``store`` to a text stream.
"""

import csv
import datetime
import json
import re

from .store import COLUMNS

_AGE = re.compile(r"([1-9][0-9]{0,5})([dhms])")
_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}


def parse_age(text):
    """``'400d'`` / ``'12h'`` / ``'90m'`` / ``'30s'`` -> milliseconds. ValueError otherwise."""
    m = _AGE.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError("an age is a number and a unit: 400d, 12h, 90m or 30s (found %r)" % (text,))
    return int(m.group(1)) * _UNIT_MS[m.group(2)]


def parse_since(text, now_ms):
    """An age (``30d``: that long ago) or an ISO date/time (UTC unless it says) -> ms."""
    try:
        return now_ms - parse_age(text)
    except ValueError:
        pass
    try:
        when = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("--since takes a date (2026-01-31), a date and time "
                         "(2026-01-31T12:00:00Z) or an age (30d); found %r" % (text,)) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp() * 1000)


def iso(ms):
    """Milliseconds since the epoch -> ``2026-12-01T21:53:10.123Z``."""
    when = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def _decisions(row):
    parts = []
    for cat, granted in row["categories"].items():
        text = "%s=%s" % (cat, "yes" if granted else "no")
        services = row["services"].get(cat) or {}
        if services:
            text += " (" + ", ".join("%s=%s" % (s, "yes" if g else "no")
                                     for s, g in services.items()) + ")"
        parts.append(text)
    return "; ".join(parts)


def write_history(rows, out):
    """One visitor's choices, oldest first: when, how, what."""
    for row in rows:
        out.write("%s  %-9s %-7s gpc=%-3s revision %d  %s  (received %s%s)\n    %s\n" % (
            iso(row["given_at"]), row["method"], row["mode"], "yes" if row["gpc"] else "no",
            row["revision"], row["path"], iso(row["received_at"]),
            ", network " + row["ip_prefix"] if row["ip_prefix"] else "", _decisions(row)))


def write_export(rows, fmt, out):
    """Every column of every row: ``jsonl`` (one object a line) or ``csv`` (JSON in its cells)."""
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, separators=(",", ":"), sort_keys=False) + "\n")
            n += 1
        return n
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([json.dumps(row[c], separators=(",", ":")) if c in ("categories", "services")
                         else str(row[c]).lower() if c == "gpc" else "" if row[c] is None else row[c]
                         for c in COLUMNS])
        n += 1
    return n


def write_stats(rows, out):
    """Choices per day (UTC, by time received) and method, then the totals per method."""
    totals = {}
    out.write("%-10s  %-9s  %s\n" % ("day", "method", "choices"))
    for day, method, count in rows:
        out.write("%-10s  %-9s  %d\n" % (day, method, count))
        totals[method] = totals.get(method, 0) + count
    out.write("\n%-10s  %-9s  %s\n" % ("total", "method", "choices"))
    for method in sorted(totals):
        out.write("%-10s  %-9s  %d\n" % ("", method, totals[method]))
    out.write("%-10s  %-9s  %d\n" % ("", "(any)", sum(totals.values())))
