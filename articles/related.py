"""Related Articles: the editors' ordered picks first, then the most related published articles."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Case, Count, IntegerField, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsportal.fragments import cached_by_keys
from newsportal.front_cache import shared_max_age

from .conf import setting
from .models import Article

# How many automatically chosen candidates are scored in Python for text similarity.
CANDIDATE_POOL = 40
# The candidates come from the articles published around this one: this many before it and this
# many after (for a new article, simply the newest). Related coverage is coverage of the same
# time, and the ranking reads the same few hundred rows however large the archive grows (#8:
# ranking the whole archive took 0.6 s at 100,000 articles).
NEIGHBOURS = 300
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have in is it its of on or that the their this to
    was were will with after over into new says said""".split()
)


@dataclass(frozen=True)
class RelatedItem:
    title: str
    url: str
    article: Article | None = None

    @property
    def is_external(self) -> bool:
        return self.article is None


def related_items(article: Article, *, count: int | None = None) -> list[RelatedItem]:
    """Up to `count` links: never the article itself, an unpublished one or a repeat."""
    count = setting("ARTICLES_RELATED_COUNT") if count is None else count
    items: list[RelatedItem] = []
    seen_urls: set[str] = {article.get_absolute_url()}
    seen_ids: set[int] = {article.pk}

    for link in article.related_links.all():
        if link.target_id:
            target = link.target
            if target.pk in seen_ids or not link.target_is_published:
                continue
            item = RelatedItem(link.title or target.headline, target.get_absolute_url(), target)
            seen_ids.add(target.pk)
        else:
            item = RelatedItem(link.title, link.url)
        if item.url in seen_urls:
            continue
        seen_urls.add(item.url)
        items.append(item)
        if len(items) == count:
            return items

    for candidate in _chosen_candidates(article, exclude_ids=seen_ids, count=count - len(items)):
        items.append(RelatedItem(candidate.headline, candidate.get_absolute_url(), candidate))
    return items


def _chosen_candidates(article: Article, *, exclude_ids: set[int], count: int) -> list[Article]:
    """The `count` best candidates. For a published article they are kept until an article is
    published or withdrawn ("latest"), this article's tags change, or one of them is edited."""
    if count <= 0:
        return []

    def rank() -> list[Article]:
        return _ranked_candidates(article, exclude_ids=exclude_ids)[:count]

    if not article.is_public:  # a preview: its edits purge nothing
        return rank()
    keys = ["latest", f"article-{article.pk}", *(f"tag-{tag.pk}" for tag in article.tags.all())]
    return cached_by_keys(
        f"related:{article.pk}:{count}:{sorted(exclude_ids)}",
        keys,
        rank,
        lambda chosen: shared_max_age(),
        shown_keys=lambda chosen: [f"article-{candidate.pk}" for candidate in chosen],
    )


def _ranked_candidates(article: Article, *, exclude_ids: set[int]) -> list[Article]:
    """Published articles scored by shared tags and section, text similarity and recency."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    now = timezone.now()
    published = Article.objects.published(now=now)
    when = article.published_at or now  # a draft's preview: the newest
    earliest = Coalesce(
        Subquery(
            published.filter(published_at__lte=when)
            .newest_first()
            .values("published_at")[NEIGHBOURS : NEIGHBOURS + 1]
        ),
        Value(datetime.min.replace(tzinfo=UTC)),
    )
    latest = Coalesce(
        Subquery(
            published.filter(published_at__gte=when)
            .order_by("published_at", "pk")
            .values("published_at")[NEIGHBOURS : NEIGHBOURS + 1]
        ),
        Value(now),
    )

    # Without tags, nothing to count (and an empty "in" would empty the whole subquery).
    shared_tags = Count("tags", filter=Q(tags__in=tag_ids), distinct=True) if tag_ids else Value(0)

    def ranked(articles):
        return articles.annotate(
            shared_tags=shared_tags,
            same_section=Case(
                When(section_id=article.section_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        ).order_by("-shared_tags", "-same_section", "-published_at")

    neighbours = published.filter(published_at__gte=earliest, published_at__lte=latest)
    # The neighbours are ranked by id alone, then only the pool's rows are read: half the time
    # of ranking whole rows, in the same one query.
    pool_ids = ranked(neighbours.exclude(pk__in=exclude_ids)).values("pk")[:CANDIDATE_POOL]
    pool = list(
        ranked(published.filter(pk__in=pool_ids).select_related("section", "featured_image"))
    )
    words = _significant_words(article)

    def score(candidate: Article) -> float:
        similarity = _jaccard(words, _significant_words(candidate))
        age_days = max((now - candidate.published_at).total_seconds() / 86400, 0)
        recency = 1 / (1 + age_days / 30)
        return 3 * candidate.shared_tags + 2 * candidate.same_section + 6 * similarity + recency

    return sorted(pool, key=score, reverse=True)


def _significant_words(article: Article) -> set[str]:
    text = f"{article.headline} {article.standfirst}".lower()
    return {
        word for word in re.findall(r"[\w’']+", text) if word not in STOP_WORDS and len(word) > 2
    }


def _jaccard(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)
