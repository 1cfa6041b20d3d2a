"""Article search: PostgreSQL full-text search with ranking, a word match on other databases."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, F, Value, When

from .models import Article

MAX_QUERY_LENGTH = 200


def clean_query(raw: str) -> str:
    """What a reader typed, made safe to search: no control characters, bounded length."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw or "")
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


class SearchDocument(Expression):
    """An article's stored, GIN-indexed search vector (PostgreSQL only).

    Headline (weight A), standfirst (B) and body text (C) in English, kept up to date by the
    database itself: a generated column that the model does not declare, added by migration
    articles 0007 (see there why a column and not an expression index).
    """

    column = "search_document"
    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        # The article table's alias in this query: "U0" and the like when it is a subquery.
        table = compiler.quote_name(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def search_articles(query_text: str):
    """Published articles matching `query_text`, best first."""
    published = Article.objects.published()
    if not query_text:
        return published.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(query_text, search_type="websearch", config="english")
        return (
            published.alias(document=SearchDocument())
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
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
