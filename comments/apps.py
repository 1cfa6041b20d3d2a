from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Connect their receivers in every process, a manage.py command's too: the front-cache
        # purges, the copy of the rules and staff names each worker keeps, the commenters'
        # histories kept in the cache.
        from . import history, moderation, purging  # noqa: F401
