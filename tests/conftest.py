import pytest
from django.conf import settings


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
