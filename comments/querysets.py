"""Reads of comments: what readers see, what moderators work through."""

from django.db import models
from django.db.models import Count, Q


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status="approved")

    def pending(self):
        return self.filter(status="pending")

    def visible_to(self, own_ids=()):
        """Approved comments, plus the reader's own comments still awaiting moderation."""
        return self.filter(Q(status="approved") | Q(pk__in=list(own_ids), status="pending"))

    def approved_counts(self, article_ids) -> dict[int, int]:
        """{article id: approved comments} for a list of articles, in one query."""
        rows = (
            self.approved()
            .filter(article_id__in=article_ids)
            .values("article_id")
            .annotate(total=Count("pk"))
            .values_list("article_id", "total")
        )
        return dict(rows)
