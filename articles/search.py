"""Article search: PostgreSQL full-text search with ranking, a word match on other databases."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Value, When

from .models import Article

MAX_QUERY_LENGTH = 200


def clean_query(raw: str) -> str:
    """What a reader typed, made safe to search: no control characters, bounded length."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw or "")
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def search_articles(query_text: str):
    """Published articles matching `query_text`, best first."""
    published = Article.objects.published()
    if not query_text:
        return published.none()
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("headline", weight="A", config="english")
            + SearchVector("standfirst", weight="B", config="english")
            + SearchVector("body_text", weight="C", config="english")
        )
        query = SearchQuery(query_text, search_type="websearch", config="english")
        return (
            published.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-published_at", "-pk")
        )
    # Elsewhere (SQLite): every word must match; articles with more of the words in their
    # headline rank first, then the newest.
    words = query_text.split()[:10]
    headline_hits = sum(
        (Case(When(headline__icontains=word, then=1), default=0) for word in words), Value(0)
    )
    return (
        published.matching_words(words)
        .annotate(rank=headline_hits)
        .order_by("-rank", "-published_at", "-pk")
    )
