from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Connect their receivers in every process, a manage.py command's too: the front-cache
        # purges, and the copies of the rules and staff names each worker keeps.
        from . import identity, moderation, purging  # noqa: F401
