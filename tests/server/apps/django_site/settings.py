"""Settings of the Django test site (test client and ``django-admin runserver``)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/server/apps: common.py
from common import bundle_dir  # noqa: E402

SECRET_KEY = "consentry-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "django_site.urls"
INSTALLED_APPS = ["consentry.contrib.django"]
MIDDLEWARE = ["django_site.views.NonceMiddleware",
              "consentry.contrib.django.middleware.ConsentryMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [Path(__file__).resolve().parent / "templates"],
              "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
USE_TZ = True
TIME_ZONE = "UTC"      # Django exports it as $TZ, which browsers started later inherit
CONSENTRY = {"bundle_dir": bundle_dir(), "reissue_cookie": True}
if os.environ.get("CONSENTRY_TEST_BROKEN_CONFIG"):
    CONSENTRY["config"] = {"revision": "two", "categories": [{"id": "Bad Id"}]}
