"""System checks for the deployment as a whole (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Each process of these keeps a cache of its own: with several workers or servers, whatever one
# counts or caches, the others never see.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Production must not cache per process: limits and purges would differ from worker to
    worker."""
    return [
        Warning(
            f"The {alias!r} cache ({config['BACKEND'].rsplit('.', 1)[-1]}) lives inside each "
            "process: with several workers or servers each sees only its own entries.",
            hint="Set REDIS_URL (or leave it unset with DJANGO_DEBUG=False for the database "
            "cache) so that every process shares one cache.",
            id="newsportal.W001",
        )
        for alias, config in settings.CACHES.items()
        if config.get("BACKEND") in PER_PROCESS_CACHES
    ]
