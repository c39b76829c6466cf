"""``consentry log serve``: the receiver behind uvicorn (a real, well-kept ASGI server).

uvicorn starts each worker process by importing ``app_from_env`` (``factory=True``), so the
receiver's settings travel in one environment variable, ``CONSENTRY_LOG_SERVE`` (JSON of
``ConsentLog`` keyword arguments, with the database URL in ``db``).
"""

import json
import os

ENV = "CONSENTRY_LOG_SERVE"


def app_from_env():
    """The ASGI application of one worker process.

    The process is ours alone, so what it has loaded by now (uvicorn, the driver, the receiver:
    about 40,000 objects) is moved out of the garbage collector's sight (``gc.freeze``): a full
    collection then walks only what requests allocate, instead of pausing every request for
    ~10 ms a few times a second under load, which set the p99 latency.
    """
    import gc

    from .app import ConsentLog

    app = ConsentLog(**json.loads(os.environ[ENV])).asgi
    gc.collect()
    gc.freeze()
    return app


def run(settings, host, port, workers=1, forwarded_allow_ips=None):
    """Serve until interrupted. ``forwarded_allow_ips``: proxies trusted for X-Forwarded-For."""
    import uvicorn

    os.environ[ENV] = json.dumps(settings)
    uvicorn.run("consentry.log.serve:app_from_env", factory=True, host=host, port=port,
                workers=workers, http="httptools", loop="uvloop", interface="asgi3", access_log=False,
                proxy_headers=bool(forwarded_allow_ips),
                forwarded_allow_ips=forwarded_allow_ips or None, server_header=False,
                date_header=False, timeout_keep_alive=5, log_level="warning")
