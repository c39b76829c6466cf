"""Micro-benchmark: what consentry.web's middleware costs per request (CPython, one process).

    python benchmarks/middleware.py [--repeat 7] [--number 20000]

Each row times a request through a trivial WSGI (or ASGI) application with and without the
middleware and reports the difference per request, over ``--repeat`` runs of ``--number``
requests each (the best run and the median run are both printed). Rows:

* untouched: the app never asks for the decision (the lazy object is created, nothing decided);
* first visit: no consent cookie; the app asks for the state;
* returning visitor: a valid choice among other cookies; the app asks for the state (steady
  state: the value is in the decoded-value memo, as on every request after the first);
* returning visitor, memo cold: every request carries a value never seen before (the first
  request of each visitor per process);
* + re-issue: the returning visitor on an HTML response with ``reissue_cookie=True``;
* ASGI returning visitor: the same through ``ConsentryASGI``;
* engine only: ``consentry.server.consent_state`` (no memo), for comparison.

Times are CPU time of the process (``time.process_time``), so other processes competing for
the CPU do not count; a loaded machine still slows everything down somewhat (caches, shared
cores), hence the load average printed with the results. The target is at most 20 µs per
request for a returning visitor (docs/performance.md, "Python middleware").
"""

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
import timeit

from consentry import server
from consentry.engine import policy, transitions
from consentry.web import ConsentryASGI, ConsentryWSGI, Site

# CPU time of this process, not wall time: on a shared machine, wall time also counts the
# time other processes hold the CPU, which is not a cost of the middleware.
CLOCK = time.process_time
OTHER_COOKIES = "_ga=GA1.2.1234567890.1700000000; sessionid=abcdef0123456789; csrftoken=x" * 1


def choice_value(consent_id, now):
    cfg = server.load_config()
    st = policy.decide(cfg, None, "FR", False, now)
    return transitions.apply_choice(cfg, st, "all", None, now, consent_id, False)["value"]


def wsgi_app(ask):
    def app(environ, start_response):
        if ask:
            _ = environ["consentry"].state     # the per-request decision is lazy: ask for it
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [b"ok"]
    return app


def bare_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [b"ok"]


def start_response(status, headers, exc_info=None):
    return None


def environ(cookie):
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SCRIPT_NAME": "", "wsgi.url_scheme": "https",
           "HTTP_CF_IPCOUNTRY": "FR", "HTTP_ACCEPT_ENCODING": "gzip, br"}
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def per_request(fn, number, repeat):
    """(best, median) seconds per call of ``fn`` over ``repeat`` runs of ``number`` calls.

    The best run is the least disturbed by other processes (timeit's advice); the median shows
    how much a loaded machine adds."""
    runs = [t / number for t in timeit.repeat(fn, number=number, repeat=repeat, timer=CLOCK)]
    return min(runs), statistics.median(runs)


def minus(a, b):
    return a[0] - b[0], a[1] - b[1]


def wsgi_row(app, env, number, repeat, envs=None):
    def call():
        app(dict(env), start_response)

    def baseline():
        bare_app(dict(env), start_response)

    if envs is not None:             # a fresh cookie value per request (memo cold)
        it = iter(envs)

        def call():                  # noqa: F811 - the cold variant
            app(next(it), start_response)

        def baseline():              # noqa: F811
            bare_app(next(iter(envs)), start_response)
    return minus(per_request(call, number, repeat), per_request(baseline, number, repeat))


def asgi_row(site, cookie, number, repeat):
    async def app(scope, receive, send):
        _ = scope["consentry"].state           # the per-request decision is lazy: ask for it
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def bare(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    wrapped = ConsentryASGI(app, site)
    headers = [(b"cookie", cookie.encode()), (b"cf-ipcountry", b"FR")]

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        return None

    def batch(target):
        async def run():
            for _ in range(number):
                await target({"type": "http", "method": "GET", "path": "/", "scheme": "https",
                              "headers": headers}, receive, send)
        loop = asyncio.new_event_loop()
        try:
            times = []
            for _ in range(repeat):
                t0 = CLOCK()
                loop.run_until_complete(run())
                times.append((CLOCK() - t0) / number)
            return min(times), statistics.median(times)
        finally:
            loop.close()
    return minus(batch(wrapped), batch(bare))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args(argv)
    n, r = args.number, args.repeat
    load = os.getloadavg()[0]
    now = int(time.time() * 1000)
    value = choice_value("bench-visitor-0001", now)
    returning = OTHER_COOKIES + "; consentry=" + value
    site = Site(bundle_dir=os.environ.get("CONSENTRY_DIST") or "dist")
    reissuing = Site(bundle_dir=os.environ.get("CONSENTRY_DIST") or "dist", reissue_cookie=True)
    cold = [environ(OTHER_COOKIES + "; consentry=" + choice_value("bench-%012d" % i, now))
            for i in range(n * r + 1)]
    cfg = server.load_config()
    rows = [
        ("untouched (decision never asked)", wsgi_row(ConsentryWSGI(wsgi_app(False), site), environ(returning), n, r)),
        ("first visit (no cookie), state asked", wsgi_row(ConsentryWSGI(wsgi_app(True), site), environ(OTHER_COOKIES), n, r)),
        ("returning visitor, state asked", wsgi_row(ConsentryWSGI(wsgi_app(True), site), environ(returning), n, r)),
        ("returning visitor, memo cold", wsgi_row(ConsentryWSGI(wsgi_app(True), site), None, n, r, cold)),
        ("returning visitor + re-issued cookie", wsgi_row(ConsentryWSGI(wsgi_app(True), reissuing), environ(returning), n, r)),
        ("ASGI returning visitor, state asked", asgi_row(site, returning, n, r)),
        ("engine only: server.consent_state (no memo)",
         per_request(lambda: server.consent_state(returning, cfg, "FR"), n, r)),
    ]
    print("CPython %s on %s, load average %.2f before / %.2f after; %d runs x %d requests"
          % (platform.python_version(), platform.machine(), load, os.getloadavg()[0], r, n))
    print("\n| request | µs per request, best run | median run |\n|---|--:|--:|")
    for name, (best, median) in rows:
        print("| %s | %.1f | %.1f |" % (name, best * 1e6, median * 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
