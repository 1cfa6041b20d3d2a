import os

import pytest
from django.conf import settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from tests import hostile_tally
from tests.factories import staff_member

# Property-based tests (#7) try the same inputs on every run and every machine: a failure in CI
# is a failure here. Each test sets its own max_examples; the counts print at the end of the run.
# A failure is reported as found, not minimised: minimising a slow example (a page load each)
# can take hypothesis five minutes per test, which CI cannot spend. To get the smallest failing
# input, run the test again with HYPOTHESIS_PROFILE=newsportal-shrink.
hypothesis_settings.register_profile(
    "newsportal",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.generate],
    # The Django test client and database fixtures are function-scoped on purpose: every example
    # starts from the same rows (each runs in a savepoint that is rolled back).
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
hypothesis_settings.register_profile(
    "newsportal-shrink",
    parent=hypothesis_settings.get_profile("newsportal"),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "newsportal"))


def pytest_terminal_summary(terminalreporter):
    hostile_tally.write_summary(terminalreporter)


def clear_cache():
    """Empty this test process's cache; on Redis only our own keys (other runs may share it)."""
    from django.core.cache import cache

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached fragments)."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def cache_down(monkeypatch):
    """Every read and write of Django's cache fails, as when Redis is unreachable."""
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    for method in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr"):
        monkeypatch.setattr(cache, method, broken)


# Staff for tests (#12): made by the same function as `manage.py create_editor` and
# `create_moderator` (tests/factories.py `staff_member`). Browser tests use these too and log in
# through the admin's form with tests.browser.conftest.log_in.


@pytest.fixture
def editor(db):
    """Ed, a member of the Editors group (the admin names him "Ed")."""
    return staff_member("editor", "Editors", first_name="Ed")


@pytest.fixture
def moderator(db):
    """A member of the Moderators group."""
    return staff_member("moderator", "Moderators")


@pytest.fixture
def editor_client(client, editor):
    """The test's `client`, signed in as the editor (the same browser as `client`)."""
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    """The test's `client`, signed in as the moderator (the same browser as `client`)."""
    client.force_login(moderator)
    return client
