"""Helpers for browser tests: wait on JS conditions, read what ``pages/diag.js`` collected.

No ``time.sleep`` anywhere: every wait is a WebDriverWait on a condition, so a fast machine is fast
and a slow one just waits longer (up to the timeout).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from selenium.common.exceptions import JavascriptException, TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

POLL = 0.05
# Multiplies every wait (wait_js, page load and async-script timeouts) on slow or busy machines,
# e.g. CONSENTRY_TIMEOUT_SCALE=3. Waits end as soon as their condition holds, so this costs nothing
# when things are fast.
TIMEOUT_SCALE = float(os.environ.get("CONSENTRY_TIMEOUT_SCALE") or 1)
REPO = Path(__file__).resolve().parents[2]
# $CONSENTRY_DIST tests a bundle built elsewhere (e.g. `consentry build -o /tmp/x`).
DIST = Path(os.environ.get("CONSENTRY_DIST") or REPO / "dist").resolve()
PAGES = Path(__file__).resolve().parent / "pages"
# 1x1 transparent GIF, for pixel trackers.
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
BLANK = ("text/html; charset=utf-8", b"<!doctype html><title>blank</title>")


def sentinel_route(req):
    """``/t/<name>.js`` -> a script that records that it ran; ``.gif`` -> a pixel; ``.html`` -> a tiny page.

    Every gated test script pushes its name to ``window.__ran`` so a test can see exactly which
    scripts ran and how often; the server log says whether it was even fetched.
    """
    name = req.path.rsplit("/", 1)[-1]
    cors = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
    if name.endswith((".js", ".mjs")):
        stem = name.rsplit(".", 1)[0]
        body = "(window.__ran = window.__ran || []).push(%s);\n" % json.dumps(stem)
        return 200, {"Content-Type": "text/javascript; charset=utf-8", **cors}, body.encode()
    if name.endswith(".gif"):
        return 200, {"Content-Type": "image/gif", **cors}, PIXEL_GIF
    if name.endswith(".html"):
        body = "<!doctype html><html><head><title>%s</title></head><body>%s</body></html>" % (name, name)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
    return 404, {"Content-Type": "text/plain"}, b"unknown sentinel\n"


def _script(expr: str) -> str:
    expr = expr.strip()
    return expr if expr.startswith("return ") else "return (%s);" % expr


def js(driver, expr: str, *args):
    """Evaluate a JS expression (or a ``return ...`` body) and return its value."""
    return driver.execute_script(_script(expr), *args)


def wait_js(driver, expr: str, timeout: float = 10, message: str | None = None, *args):
    """Poll the JS expression ``expr`` until it is truthy and return its value.

    A JS exception during polling counts as "not yet" (the page may still be loading). On timeout the
    AssertionError says which condition failed and includes the page diagnostics.
    """
    script = _script(expr)

    def condition(d):
        try:
            return d.execute_script(script, *args)
        except JavascriptException:
            return False

    try:
        return WebDriverWait(driver, timeout * TIMEOUT_SCALE, poll_frequency=POLL).until(condition)
    except TimeoutException:
        raise AssertionError(
            "%stimed out after %ss waiting for JS: %s\nurl: %s\ndiag: %s"
            % (message + ": " if message else "", timeout * TIMEOUT_SCALE, expr, driver.current_url, _diag_text(driver))
        ) from None


def diag(driver) -> dict:
    """What ``pages/diag.js`` collected on the current page.

    Keys: ``errors``, ``resources``, ``rejections``, ``console`` (``{level, message}``), ``csp``
    (``{directive, violated, blockedURI, source, line, sample, disposition}``).
    """
    data = driver.execute_script("return window.__diag ? JSON.stringify(window.__diag) : null;")
    if data is None:
        raise AssertionError("diag.js did not run on %s: it must be the page's first <script>" % driver.current_url)
    return json.loads(data)


def _diag_text(driver) -> str:
    try:
        return json.dumps(diag(driver), indent=1)
    except Exception as exc:  # noqa: BLE001 - diagnostics must never hide the real failure
        return "(unavailable: %s)" % exc


def problems(driver, allow_warnings_prefix: str | None = "[consentry]", allow_resource_errors: bool = False) -> list[str]:
    """The list of console problems on the page (empty = clean); see :func:`assert_clean_console`."""
    d = diag(driver)
    out = []
    out += ["uncaught error: %(message)s (%(source)s:%(line)s)" % e for e in d["errors"]]
    out += ["unhandled rejection: %(message)s" % r for r in d["rejections"]]
    out += ["CSP violation: %(directive)s blocked %(blockedURI)r (%(source)s:%(line)s)" % c for c in d["csp"]]
    if not allow_resource_errors:
        out += ["failed to load <%(tag)s> %(url)s" % r for r in d["resources"]]
    for c in d["console"]:
        if c["level"] == "warn" and allow_warnings_prefix is not None and c["message"].startswith(allow_warnings_prefix):
            continue
        out.append("console.%(level)s: %(message)s" % c)
    return out


def assert_clean_console(driver, allow_warnings_prefix: str | None = "[consentry]", allow_resource_errors: bool = False):
    """Fail if the page had uncaught errors, unhandled rejections, CSP violations, failed resource
    loads, console.error calls, or console.warn calls not starting with ``allow_warnings_prefix``
    (``None``: no warning is allowed)."""
    found = problems(driver, allow_warnings_prefix, allow_resource_errors)
    assert not found, "console not clean on %s:\n  %s" % (driver.current_url, "\n  ".join(found))


def async_js(driver, body: str, *args):
    """Run an async script: ``body`` gets ``done`` (the callback) and ``args``; returns what ``done`` got."""
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1], args = Array.prototype.slice.call(arguments, 0, -1);\n" + body,
        *args,
    )


READY = """
if (!window.Consentry || !window.Consentry.ready || typeof window.Consentry.ready.then !== 'function') {
  done({ok: false, error: 'window.Consentry.ready is not a thenable: ' + typeof window.Consentry});
} else {
  window.Consentry.ready.then(
    function (api) {
      done({ok: true, isApi: api === window.Consentry,
            hasMethods: !!api && typeof api.acceptAll === 'function' && typeof api.getConsent === 'function'});
    },
    function (err) { done({ok: false, error: String(err && err.stack || err)}); });
}
"""


def wait_ready(driver) -> dict:
    """Wait for ``Consentry.ready`` (execute_async_script; the script timeout bounds it)."""
    result = async_js(driver, READY)
    assert result["ok"], "Consentry.ready rejected or missing: %s\ndiag: %s" % (result.get("error"), diag(driver))
    return result


def clean_browser(driver, origins) -> None:
    """Forget cookies and storage for ``origins``, close extra tabs, and park on about:blank."""
    handles = driver.window_handles
    for extra in handles[1:]:
        driver.switch_to.window(extra)
        driver.close()
    driver.switch_to.window(handles[0])
    if driver.browser_name == "chromium":
        driver.get_log("browser")  # drain: the console log is per session, a test must see only its own
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        for origin in origins:
            driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    else:
        # WebDriver can only clear what the current document can see, so visit each origin.
        # (Cookies ignore the port, so one delete_all_cookies covers both servers on 127.0.0.1.)
        for origin in origins:
            driver.get(origin + "/__blank")
            driver.delete_all_cookies()
            driver.execute_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
    driver.get("about:blank")


def make_certificate(directory: Path) -> tuple[str, str]:
    """A throw-away self-signed certificate for https://127.0.0.1 (one day): ``(certfile, keyfile)``.

    Browsers accept it because the sessions set ``acceptInsecureCerts``; it is made at test start
    and never leaves the temporary directory."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return str(certfile), str(keyfile)
