"""What readers of live coverage fetch besides the article page."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from newsportal.front_cache import show, show_until

from ..models import Article
from .coverage import update_title

# The newest updates the polling endpoint carries: a reader who was away longer than it covers
# is told to reload instead (`complete` is false).
ENDPOINT_UPDATES = 20


def live_updates(request, article_id):
    """The newest public updates of a live article, as JSON, for the page's script to poll.

    The same answer for every reader, so the front cache serves the crowd: it is purged when
    an update is posted, edited or deleted (`live-<id>`), and kept no longer than until the
    next scheduled update goes public.
    """
    article = get_object_or_404(Article.objects.published().filter(is_live=True), pk=article_id)
    public = article.live_updates.public()
    updates = list(public.newest_first().select_related("image")[: ENDPOINT_UPDATES + 1])
    show(request, f"live-{article.pk}", f"article-{article.pk}")
    show_until(request, article.live_updates.next_scheduled_time())
    shown = updates[:ENDPOINT_UPDATES]
    return JsonResponse(
        {
            "live": article.live_now,
            "ended": not article.live_now,
            "complete": len(updates) <= ENDPOINT_UPDATES,
            "updates": [
                {
                    "id": update.pk,
                    "published": update.published_at.isoformat(),
                    "edited": update.edited_at.isoformat() if update.edited_at else None,
                    "key_event": update.is_key_event,
                    "headline": update.headline,
                    "title": update_title(update),
                    "url": update.get_absolute_url(),
                    "html": render_to_string("articles/live/update.html", {"update": update}),
                }
                for update in shown
            ],
        }
    )
