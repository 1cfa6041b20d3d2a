from django.apps import AppConfig


class NewsportalConfig(AppConfig):
    """The site itself: checks that concern no one app."""

    name = "newsportal"
    verbose_name = "Newsportal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
