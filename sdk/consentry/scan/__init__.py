"""``consentry scan``: audit a site's cookies, storage and other-site requests before a choice,
after Reject all and after Accept all, in a real headless Chromium (CPython only; never bundled).

Modules: ``crawl`` (the three visits) over ``browser`` (Chromium through Selenium and CDP),
``events`` (network events digested), ``analyze`` (the findings; pure), ``trackers`` (the vendor
table), ``robots`` (robots.txt per RFC 9309; pure) with ``robots_fetch`` (fetching it once),
``report`` (JSON, HTML, console), ``run`` (the command), ``cli`` (registration only).
"""
