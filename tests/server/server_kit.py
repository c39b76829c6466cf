"""Helpers of the server tests (imported by name: conftest modules are not importable reliably
when several test folders each have one): paths, real cookie values, real server processes."""

import os
import socket
import subprocess
import threading
import time
from importlib import resources
from pathlib import Path

from consentry.engine import policy, transitions
from consentry.server import load_config

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
REPO_DIST = Path(os.environ.get("CONSENTRY_DIST") or HERE.parents[1] / "dist")
TIMEOUT_SCALE = float(os.environ.get("CONSENTRY_TIMEOUT_SCALE") or 1)


def packaged_bundle() -> bool:
    """True when the installed package carries the prebuilt bundle (a wheel, or `invoke wheel`)."""
    return resources.files("consentry").joinpath("static", "consentry.js").is_file()


def choice_value(method="all", now_ms=None, decisions=None, consent_id="server-tests-0001"):
    """A real cookie value, made by the engine exactly as the browser makes it."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    cfg = load_config()
    st = policy.decide(cfg, None, "FR", False, now)
    return transitions.apply_choice(cfg, st, method, decisions, now, consent_id, False)["value"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A real web server in a child process; ready when its log prints ``marker``."""

    def __init__(self, args, marker, env, timeout=60):
        self.port = free_port()
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env, cwd=str(APPS), text=True)
        self.log: list[str] = []
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.log.append(line)
                if marker in line:
                    ready.set()
            ready.set()                  # exited: stop waiting

        threading.Thread(target=pump, daemon=True).start()
        ready.wait(timeout * TIMEOUT_SCALE)
        if self.proc.poll() is not None or not any(marker in line for line in self.log):
            self.stop()
            raise AssertionError("server did not start: %s\n%s" % (" ".join(args), "".join(self.log)))
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def child_env():
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(APPS))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env
