"""Old addresses that lead to this site's pages (#10): a WordPress site's permalinks, kept
working after the move, and any an editor adds.

An old address is looked up only where no page answers (a 404), or on the home page when its
query is one WordPress used (`/?p=123`): ordinary pages run no query for it. One query a
redirect: the old path, with the page it leads to joined in.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.http import HttpResponsePermanentRedirect

from .models import Article, Author, Section, Tag

logger = logging.getLogger(__name__)

# The home page's query parameters that named a page on a WordPress site, most specific first
# (WP::parse_request: ?p=, ?page_id=, ?cat=, ?tag=, ?author=, ?attachment_id=, ?feed=).
WORDPRESS_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "feed")


class Redirect(models.Model):
    """An old address and the page of this site it now leads to (one of the four, or a URL)."""

    old_path = models.CharField(
        "old address",
        max_length=500,
        unique=True,
        help_text="The path readers' links use: /2024/03/01/barrier-holds/ or /?p=123.",
    )
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.CASCADE)
    url = models.CharField(
        "other address on this site",
        max_length=500,
        blank=True,
        help_text="A path on this site (a feed, a picture) when it leads to none of the above.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "articles"
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False)
                    | models.Q(section__isnull=False)
                    | models.Q(tag__isnull=False)
                    | models.Q(author__isnull=False)
                    | ~models.Q(url="")
                ),
                name="redirect_leads_somewhere",
            )
        ]

    def __str__(self):
        return self.old_path

    def clean(self):
        targets = [self.article_id, self.section_id, self.tag_id, self.author_id, self.url]
        if sum(1 for target in targets if target) != 1:
            raise ValidationError("Choose one page for the old address to lead to.")
        if self.url and not self.url.startswith("/"):
            raise ValidationError({"url": "A path on this site, starting with /."})
        if not self.old_path.startswith("/"):
            raise ValidationError({"old_path": "A path, starting with /."})

    def target(self) -> str | None:
        """Where it leads now; None where that page is not public (an unpublished article)."""
        if self.article_id:
            return self.article.get_absolute_url() if self.article.is_public else None
        page = self.section or self.tag or self.author
        return page.get_absolute_url() if page else self.url or None


def _lookup(paths: list[str]) -> str | None:
    try:
        found = (
            Redirect.objects.select_related("article", "section", "tag", "author")
            .filter(old_path__in=paths)
            .first()
        )
    except DatabaseError:  # the database is down: a 404 stays a 404, a page its page
        logger.warning("Old addresses could not be looked up", exc_info=True)
        return None
    return found.target() if found else None


class OldAddressMiddleware:
    """301 from an old address to the page it leads to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/" and request.GET:
            for key in WORDPRESS_QUERY_KEYS:
                if value := request.GET.get(key):
                    if target := _lookup([f"/?{key}={value}"]):
                        return HttpResponsePermanentRedirect(target)
                    break
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        other = path[:-1] if path.endswith("/") else f"{path}/"
        if target := _lookup([path, other]):
            return HttpResponsePermanentRedirect(target)
        return response
