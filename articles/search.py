"""Article search: PostgreSQL full-text search with ranking, a word match on other databases."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, Value, When

from .models import Article

MAX_QUERY_LENGTH = 200


def clean_query(raw: str) -> str:
    """What a reader typed, made safe to search: no control characters, bounded length."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw or "")
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


class SearchDocument(Expression):
    """One of an article's stored search vectors (PostgreSQL only), kept up to date by the
    database itself: generated columns that the model does not declare.

    - "search_document": headline (weight A), standfirst (B) and body text (C), GIN-indexed:
      what a search matches (migration articles 0007 says why a column).
    - "search_heading": headline and standfirst only: what orders the matches (0008 says why).
    """

    output_field = SearchVectorField()

    def __init__(self, column="search_document"):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        # The article table's alias in this query: "U0" and the like when it is a subquery.
        table = compiler.quote_name(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def search_articles(query_text: str):
    """Published articles matching `query_text` anywhere, those with the words in their
    headline and standfirst first, then the newest."""
    published = Article.objects.published()
    if not query_text:
        return published.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(query_text, search_type="websearch", config="english")
        return (
            published.alias(document=SearchDocument())
            .filter(document=query)
            .annotate(rank=SearchRank(SearchDocument("search_heading"), query))
            .order_by("-rank", "-published_at", "-pk")
        )
    # Elsewhere (SQLite): every word must match; the order is PostgreSQL's in spirit: each
    # word in the headline counts twice, in the standfirst once, then the newest.
    words = query_text.split()[:10]
    hits = sum(
        (
            Case(When(headline__icontains=word, then=2), default=0)
            + Case(When(standfirst__icontains=word, then=1), default=0)
            for word in words
        ),
        Value(0),
    )
    return (
        published.matching_words(words)
        .annotate(rank=hits)
        .order_by("-rank", "-published_at", "-pk")
    )
