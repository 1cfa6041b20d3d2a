"""The comments app's admin: the moderation queue (queue.py, with its columns, filters and
pages), the moderators' lists (rules.py) and log (log.py), and its part of the article form
(articles.py). Importing the package registers them all."""

from . import articles, log, queue, rules  # noqa: F401  (each registers its admin classes)
