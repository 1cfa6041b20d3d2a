"""Test settings: fast, isolated, and strict about templates."""

import os
import sys
import tempfile
from pathlib import Path

from django.template.base import Node

from .settings import *  # noqa: F403
from .settings import TEMPLATES


class UnfilledTemplateVariable(str):
    """string_if_invalid that fails the test that rendered an unfilled variable.

    Only in our own templates (and templates made from strings in tests): Django's admin and
    other installed libraries leave some variables unset on purpose, and are not ours to change.
    """

    LIBRARIES = ("site-packages", "dist-packages")

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        origin = self._origin_of_rendering_node()
        if origin is None or not any(folder in origin for folder in self.LIBRARIES):
            raise AssertionError(f"Template variable {variable!r} is not filled ({origin})")
        return ""

    @staticmethod
    def _origin_of_rendering_node():
        frame = sys._getframe(2)
        while frame is not None:
            node = frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            if isinstance(node, Node) and origin is not None:
                return str(origin.name)
            frame = frame.f_back
        return None


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UnfilledTemplateVariable("%s")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# With REDIS_URL set (as in CI) the suite runs against Redis, the production cache; each test
# process keeps to its own keys.
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"newsportal-test-{os.getpid()}"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsportal-test-media-")
# Browser tests are served static files straight from static/, without collectstatic.
STATIC_ROOT = tempfile.mkdtemp(prefix="newsportal-test-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not Django's shared in-memory database: the live server's threads then each get their
# own connection, as in production, and concurrent writers queue in WAL mode instead of failing.
_ENGINE = DATABASES["default"]["ENGINE"]  # noqa: F405
if _ENGINE == "django.db.backends.sqlite3":
    # One file per test process, so two runs (a checkout and its clean clone) never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"newsportal-test-{os.getpid()}.sqlite3")
    }
else:
    # Likewise on PostgreSQL: a test database of this process's own.
    DATABASES["default"]["TEST"] = {"NAME": f"test_newsportal_{os.getpid()}"}  # noqa: F405

# Tests commit nothing (on_commit purges never run inside a test's transaction), so a page or a
# part of one kept in the cache would hide every change a test makes; tests/test_page_cache.py
# and tests/test_fragments.py turn them on.
PAGE_CACHE = False
FRAGMENT_CACHE = False
