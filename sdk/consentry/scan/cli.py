"""Registers ``consentry scan`` (imports nothing heavy: Selenium loads when the command runs)."""

SEVERITY_CHOICES = ("high", "medium", "low", "info", "none")


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value < 0:
            raise ValueError(text)
        return value
    parse.__name__ = kind.__name__
    return parse


def _run(args):
    from .run import run_scan
    return run_scan(args)


def register(sub):
    p = sub.add_parser("scan", help="audit a site's cookies and trackers before and after a choice",
                       description="Visit URL and up to N same-origin pages in three fresh headless Chromium "
                                   "profiles (no choice, after Reject all, after Accept all) and report "
                                   "cookies, storage, other-site requests and findings. Exit status: 0 clean, "
                                   "1 findings at or above --fail-on, 2 usage or network error, or robots.txt "
                                   "disallows the start page.")
    p.add_argument("url", help="the page to start from (http or https)")
    p.add_argument("--pages", type=_positive(int), default=5, help="same-origin pages to follow besides URL (default 5)")
    p.add_argument("--config", help="the site's Consentry configuration (JSON), merged over the built-in one")
    p.add_argument("--out", default="report", help="output folder (default: report/)")
    p.add_argument("--browser", choices=("chromium",), default="chromium", help="only chromium is supported")
    p.add_argument("--fail-on", choices=SEVERITY_CHOICES, default="high",
                   help="exit 1 when a finding has this severity or worse (default: high; none: never)")
    p.add_argument("--delay", type=_positive(float), default=1.0, help="seconds between page loads (default 1)")
    p.add_argument("--page-timeout", type=_positive(float), default=20.0, help="seconds for one page load (default 20)")
    p.add_argument("--budget", type=_positive(float), default=300.0, help="seconds for the whole scan (default 300)")
    p.add_argument("--max-items", type=_positive(int), default=500,
                   help="entries kept per list: links, cookies, requests, gated elements (default 500)")
    p.add_argument("--allow-third-party", action="store_true",
                   help="let requests to other sites through (default: they are held in the browser and only reported)")
    p.add_argument("--reject-selector", help="CSS selector of another consent manager's Reject all button")
    p.add_argument("--accept-selector", help="CSS selector of another consent manager's Accept all button")
    p.add_argument("--ignore-robots", action="store_true",
                   help="scan even what the site's robots.txt disallows (only on a site you may scan; the report says so)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=_run)
