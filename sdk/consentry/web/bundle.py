"""Serve the built bundle (``consentry.js``, the SDK file it loads, d.ts, manifest) from Python.

The files are read once, at start-up, from the package data that ships in the wheel (the
default build) or from a folder produced by ``consentry build -o DIR`` (a site build). Two URLs
per file, under the configured path:

* ``<path><fingerprint>/consentry.js``: what the script tag points to. The fingerprint is a
  hash of the file, so the response is cacheable for a year (``immutable``): a new build gets
  a new URL. ``consentry.js`` loads the SDK file (``consentry-sdk.<hash>.js``) from the same
  folder, so it is served there too.
* ``<path>consentry.js``: a stable URL for hand-written tags, revalidated on every use
  (``no-cache`` with an ``ETag``, so a revalidation costs a 304).

The pre-compressed ``.br`` / ``.gz`` files are served when the ``Accept-Encoding`` header
allows them (brotli first), with ``Vary: Accept-Encoding`` and one ETag per encoding.
"""

import base64
import gzip
import hashlib
import json
import os
import re
from importlib import resources
from typing import Callable, Optional, Union

from consentry.server import ConfigError

TYPES = {".js": "text/javascript; charset=utf-8", ".ts": "text/plain; charset=utf-8",
         ".json": "application/json; charset=utf-8"}
_SCRIPT = re.compile(r"consentry(?:-sdk\.[0-9a-f]{6,64})?\.js")   # script names a manifest may list
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
MAX_HEADER = 1024      # longer Accept-Encoding / If-None-Match values are read up to here


class Response:
    """An HTTP response: status code, reason phrase, header list and body."""

    __slots__ = ("status", "reason", "headers", "body")

    def __init__(self, status: int, reason: str, headers: list[tuple[str, str]],
                 body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body


class _File:
    def __init__(self, name: str, data: bytes, encoded: dict[str, bytes]) -> None:
        self.name = name
        self.type = TYPES[name[name.rindex("."):]]
        self.tag = hashlib.sha256(data).hexdigest()[:20]
        self.variants = {"identity": data, **encoded}


def _problem(message: str) -> ConfigError:
    return ConfigError([{"path": "bundle", "message": message}])


def _reader(directory: Union[str, "os.PathLike[str]", None]
            ) -> tuple[Callable[[str], Optional[bytes]], str]:
    if directory is not None:
        root = os.fspath(directory)

        def read(name: str) -> Optional[bytes]:
            try:
                with open(os.path.join(root, name), "rb") as f:
                    return f.read()
            except OSError:
                return None
        return read, root
    package = resources.files("consentry").joinpath("static")

    def read_package(name: str) -> Optional[bytes]:
        try:
            return package.joinpath(name).read_bytes()
        except OSError:
            return None
    return read_package, "the consentry package's static data"


class Bundle:
    """The bundle's files in memory, with their fingerprints and SRI values."""

    def __init__(self, directory: Union[str, "os.PathLike[str]", None] = None) -> None:
        """Load from ``directory`` (a ``consentry build`` output) or, when None, from the wheel's
        package data. Every script the manifest lists is loaded (``consentry.js`` and the SDK
        file it loads, when the build has two). Raises ConfigError when a file is missing or
        does not match its manifest entry (a stale manifest would make every browser refuse
        the script)."""
        read, where = _reader(directory)
        manifest_bytes = read("manifest.json")
        if manifest_bytes is None or read("consentry.js") is None:
            raise _problem("no consentry.js and manifest.json in %s (from a checkout: run "
                           "`invoke build` and pass its dist/ folder, or `invoke wheel`)" % where)
        try:
            manifest = json.loads(manifest_bytes)
            listed = {name: entry["integrity"] for name, entry in manifest["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise _problem("%s: manifest.json is not a Consentry manifest" % where) from None
        if "consentry.js" not in listed or not all(_SCRIPT.fullmatch(n) for n in listed):
            raise _problem("%s: manifest.json does not list consentry.js and its scripts" % where)
        self.manifest: dict[str, object] = manifest
        self.files: dict[str, _File] = {"manifest.json": _File("manifest.json", manifest_bytes, {})}
        for name, integrity in listed.items():
            data = read(name)
            if data is None or integrity != "sha384-" + base64.b64encode(
                    hashlib.sha384(data).digest()).decode("ascii"):
                raise _problem("%s: %s is missing or does not match manifest.json (rebuild it)"
                               % (where, name))
            encoded = {"gzip": read(name + ".gz") or gzip.compress(data, 9, mtime=0)}
            br = read(name + ".br")
            if br is not None:
                encoded["br"] = br
            self.files[name] = _File(name, data, encoded)
        dts = read("consentry.d.ts")
        if dts is not None:
            self.files["consentry.d.ts"] = _File("consentry.d.ts", dts, {})
        self.integrity: str = listed["consentry.js"]
        self.fingerprint: str = self.files["consentry.js"].tag[:12]

    def respond(self, method: str, rest: str, accept_encoding: Optional[str],
                if_none_match: Optional[str]) -> Response:
        """The response for ``rest``, the request path after the bundle's URL prefix."""
        immutable = False
        if rest.startswith(self.fingerprint + "/"):
            rest = rest[len(self.fingerprint) + 1:]
            immutable = True
        f = self.files.get(rest)
        if f is None:
            return Response(404, "Not Found", [("Content-Type", "text/plain; charset=utf-8")],
                            b"not found\n")
        if method not in ("GET", "HEAD"):
            return Response(405, "Method Not Allowed", [("Allow", "GET, HEAD"),
                            ("Content-Type", "text/plain; charset=utf-8")], b"")
        coding = negotiate(accept_encoding, f.variants)
        etag = '"%s%s"' % (f.tag, "" if coding == "identity" else "-" + coding)
        headers = [("Cache-Control", IMMUTABLE if immutable else REVALIDATE), ("ETag", etag),
                   ("X-Content-Type-Options", "nosniff")]
        if len(f.variants) > 1:
            headers.append(("Vary", "Accept-Encoding"))
        if etag_matches(if_none_match, etag):
            return Response(304, "Not Modified", headers, b"")
        body = f.variants[coding]
        headers.append(("Content-Type", f.type))
        if coding != "identity":
            headers.append(("Content-Encoding", coding))
        headers.append(("Content-Length", str(len(body))))
        return Response(200, "OK", headers, b"" if method == "HEAD" else body)


def negotiate(accept_encoding: Optional[str], available: dict[str, bytes]) -> str:
    """'br', 'gzip' or 'identity': the best coding the client accepts (q > 0) that we have.

    Malformed entries are ignored; ``*`` stands for every coding not named."""
    if not accept_encoding:
        return "identity"
    q: dict[str, float] = {}
    for item in accept_encoding[:MAX_HEADER].split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        weight = 1.0
        params = params.strip().lower()
        if params:
            key, _, val = params.partition("=")
            if key.strip() != "q":
                continue
            try:
                weight = float(val.strip())
            except ValueError:
                continue
            if not 0.0 <= weight <= 1.0:
                continue
        if name == "x-gzip":
            name = "gzip"
        q[name] = weight
    star = q.get("*", 0.0)
    for coding in ("br", "gzip"):
        if coding in available and q.get(coding, star) > 0.0:
            return coding
    return "identity"


def etag_matches(if_none_match: Optional[str], etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against our ETag."""
    if not if_none_match:
        return False
    for candidate in if_none_match[:MAX_HEADER].split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False
