"""Which front-cache keys a change to an article (or what it shows) touches.

Pages name what they show (articles/views.py: `article-<id>` for every article on the page,
`section-<id>`, `tag-<id>`, `author-<id>` for archive pages and the tags and bylines an article
shows, `latest` for every page with a list of the newest articles, `sections` for the section
navigation on every page, `feeds`, `sitemap`). Here, each kind of change purges the keys of every
page it alters, after the transaction commits.

Receivers of model signals, not services: every path that writes (the admin's forms, inlines
and delete actions, services, commands) must purge, and the signals are the one place they all
pass. A scheduled article going live needs no purge: pages are cached only until the next
publication time (newsportal.front_cache.shared_max_age).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from newsportal.front_cache import purge

from .live.models import LiveUpdate
from .models import Article, Author, Byline, Image, RelatedLink, Section, Tag

# What an article was before this save, for the pages it leaves (old section, old URL...).
_BEFORE = "_front_cache_before"


def _is_live(article: Article) -> bool:
    return article.status == Article.Status.PUBLISHED and article.published_at is not None


@receiver(pre_save, sender=Article)
def remember_article_before(sender, instance: Article, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    before = Article.objects.filter(pk=instance.pk).values(
        "status", "published_at", "section_id", "is_live"
    )
    setattr(instance, _BEFORE, before.first())


@receiver(post_save, sender=Article)
def article_saved(sender, instance: Article, created=False, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, _BEFORE, None)
    was_live = bool(before) and before["status"] == Article.Status.PUBLISHED
    if not (was_live or _is_live(instance)):
        return  # a draft's edit changes no public page (its preview is never cached)
    keys = {f"article-{instance.pk}", "feeds", "sitemap"}
    if instance.is_live or (before and before["is_live"]):
        keys.add(f"live-{instance.pk}")  # the coverage's endpoint says whether it has ended
    listing_changed = (
        created
        or before is None
        or was_live != _is_live(instance)
        or before["published_at"] != instance.published_at
        or before["section_id"] != instance.section_id
    )
    if listing_changed:
        keys |= {"latest", "home", f"section-{instance.section_id}"}
        if before:
            keys.add(f"section-{before['section_id']}")
        keys |= {f"tag-{pk}" for pk in instance.tags.values_list("pk", flat=True)}
        keys |= {f"author-{pk}" for pk in instance.authors.values_list("pk", flat=True)}
    purge(keys)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance: Article, **kwargs):
    # Its tags and bylines are gone with it; the archive pages listing it carry its own key.
    purge({f"article-{instance.pk}", "latest", "home", "feeds", "sitemap"})


@receiver(m2m_changed, sender=Article.tags.through)
def article_tags_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    keys = {f"article-{instance.pk}"} | {f"tag-{pk}" for pk in pk_set or ()}
    if action == "post_clear":
        keys.add("latest")  # which tags were cleared is no longer known: their pages list it
    purge(keys)


@receiver([post_save, post_delete], sender=Byline)
def byline_changed(sender, instance: Byline, raw=False, **kwargs):
    if not raw:
        purge({f"article-{instance.article_id}", f"author-{instance.author_id}"})


@receiver([post_save, post_delete], sender=RelatedLink)
def related_link_changed(sender, instance: RelatedLink, raw=False, **kwargs):
    if not raw:
        purge({f"article-{instance.article_id}"})


@receiver([post_save, post_delete], sender=Section)
def section_changed(sender, instance: Section, raw=False, **kwargs):
    # Its name is in the navigation of every page.
    if not raw:
        purge({"sections", f"section-{instance.pk}"})


@receiver([post_save, post_delete], sender=Tag)
def tag_changed(sender, instance: Tag, raw=False, **kwargs):
    if not raw:
        purge({f"tag-{instance.pk}"})


@receiver([post_save, post_delete], sender=Author)
def author_changed(sender, instance: Author, raw=False, **kwargs):
    if not raw:
        purge({f"author-{instance.pk}"})


@receiver(post_save, sender=Image)
def image_changed(sender, instance: Image, raw=False, created=False, **kwargs):
    if raw or created:
        return
    shown_by = Article.objects.filter(featured_image=instance).values_list("pk", flat=True)
    purge({f"article-{pk}" for pk in shown_by})


@receiver([post_save, post_delete], sender=LiveUpdate)
def live_update_changed(sender, instance: LiveUpdate, raw=False, **kwargs):
    """A live update posted, changed or deleted: the coverage's page, its polling endpoint and
    feed (`live-<id>`), and every list that shows the article with its latest update."""
    if raw:
        return
    purge({f"live-{instance.article_id}", f"article-{instance.article_id}"})
