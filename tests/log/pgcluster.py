"""A throw-away PostgreSQL cluster in a temporary folder: ``initdb`` + ``pg_ctl``, loopback only.

Used by the tests (``conftest.py``) and by the load/fault benchmark (``bench_load.py``). The
binaries come from ``PATH`` or Debian's ``/usr/lib/postgresql/<version>/bin``. initdb refuses to
run as root, so as root the cluster belongs to the ``postgres`` user (Debian's package creates it)
or ``nobody``. Authentication is ``trust`` on 127.0.0.1 only, for a cluster that lives as long as
one test session.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

INSTALL_HINT = "PostgreSQL is not installed: sudo apt-get install -y postgresql"


class Unavailable(Exception):
    """No PostgreSQL binaries here; the message says how to install them."""


def find_bin(name):
    path = shutil.which(name)
    if path:
        return path
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    if found:
        return found[-1]
    raise Unavailable(INSTALL_HINT)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, settings=()):
        self.initdb = find_bin("initdb")
        self.pg_ctl = find_bin("pg_ctl")
        self.root = tempfile.mkdtemp(prefix="consentry-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    continue
                self.user = name
                break
            info = pwd.getpwnam(self.user)
            os.chown(self.root, info.pw_uid, info.pw_gid)
        options = ["-c listen_addresses=127.0.0.1", "-p %d" % self.port, "-k " + self.root]
        options += ["-c %s" % s for s in settings]
        self.options = " ".join(options)
        self._run([self.initdb, "-D", self.data, "-U", "consentry", "--auth=trust",
                   "-E", "UTF8", "--no-instructions"])
        self.start()

    def _run(self, argv):
        if self.user:
            argv = ["runuser", "-u", self.user, "--"] + argv
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=120)
        if out.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (" ".join(argv), out.stdout))

    def url(self, dbname="postgres"):
        return "postgresql://consentry@127.0.0.1:%d/%s" % (self.port, dbname)

    def start(self):
        self._run([self.pg_ctl, "-D", self.data, "-l", os.path.join(self.root, "log"), "-w",
                   "-t", "60", "-o", self.options, "start"])

    def stop(self, mode="fast"):
        self._run([self.pg_ctl, "-D", self.data, "-m", mode, "-w", "stop"])

    def create_database(self, name):
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "%s"' % name)
        return self.url(name)

    def destroy(self):
        try:
            self.stop("immediate")
        except RuntimeError:
            pass            # already stopped
        shutil.rmtree(self.root, ignore_errors=True)
