"""On PostgreSQL the big lists are read from their indexes, not by reading the table (#8).

EXPLAIN of the queries the pages really run, on a modest generated archive, stored and
vacuumed as `manage.py generate_content` leaves it: the planner's choices depend on sizes and
statistics (on a handful of rows a table scan is rightly cheaper), so the archive is committed
for this module and removed after it. Counts over most of a table (all published articles,
every status) may rightly read the table; the pages' rows must come from an index.
"""

import json

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from articles.generate import generate_articles
from articles.models import Article, Author, Byline, Section, Tag
from articles.search import search_articles
from articles.sitemaps import ArticleSitemap
from comments.generate import generate_comments
from comments.models import Comment
from newsportal.management.commands.generate_content import analyse_generated
from tests.conftest import clear_cache
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans and the GIN index: PostgreSQL only"
    ),
]
BIG_TABLES = {Article._meta.db_table, Comment._meta.db_table}


GENERATED = [Article, Byline, Article.tags.through, Comment, Section, Tag, Author]


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        generate_articles(count=2000, seed=2)
        generate_comments(count=4000, seed=2)
        analyse_generated()  # statistics, visibility map
        yield
        tables = ", ".join(model._meta.db_table for model in GENERATED)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def plan(sql: str, params=None) -> list[dict]:
    """Every node of the query's plan, flattened."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        root = cursor.fetchone()[0]
    root = json.loads(root) if isinstance(root, str) else root
    nodes, todo = [], [root[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo += node.get("Plans", [])
    return nodes


def page_plans(client, url: str) -> list[tuple[str, list[dict]]]:
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        (query["sql"], plan(query["sql"]))
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT")
    ]


def table_scans(nodes: list[dict]) -> list[str]:
    return [
        node["Relation Name"]
        for node in nodes
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG_TABLES
    ]


def test_search_finds_its_matches_in_the_gin_index(archive):
    ArticleFactory(headline="Zanzibar ferry returns", body="<p>The quayside filled.</p>")
    sql, params = search_articles("zanzibar ferry").query.sql_with_params()
    nodes = plan(sql, params)
    assert "article_search_idx" in {node.get("Index Name") for node in nodes}
    assert not table_scans(nodes)


def test_search_finds_an_edited_headline_at_once(archive):
    """The stored vector is the database's own generated column: a correction is searchable
    as soon as it is saved."""
    article = Article.objects.published().first()
    article.headline = "Quokka census completed"
    article.save()
    assert list(search_articles("quokka")) == [article]


@pytest.mark.parametrize("page", [2, 40])
def test_section_pages_near_and_deep_read_the_section_index(archive, client, page):
    """The page's ids come from the section's index alone, however deep the page."""
    section = Section.objects.get(slug="world")
    plans = page_plans(client, f"{section.get_absolute_url()}?page={page}")
    (ids,) = [nodes for sql, nodes in plans if "OFFSET" in sql]
    assert {"Index Only Scan"} <= {n["Node Type"] for n in ids}
    assert "article_section_idx" in {n.get("Index Name") for n in ids}
    for sql, nodes in plans:
        assert not table_scans(nodes), sql


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?page=80",
        "/tag/diplomacy/?page=3",
        "/feeds/rss/",
        "/section/world/rss/",
        "/sitemap.xml",
        "/sitemap-articles.xml?p=5",
        "/sitemap-news.xml",
    ],
)
def test_home_tags_feeds_and_sitemaps_read_their_rows_from_indexes(
    archive, client, url, monkeypatch
):
    # Sitemap pages of 5,000 would hold the whole test archive; as a 100,000-article one's
    # pages do, these hold a fraction.
    monkeypatch.setattr(ArticleSitemap, "limit", 100)
    for sql, nodes in page_plans(client, url):
        if counts_most_of_a_table(sql):
            continue
        assert not table_scans(nodes), sql


def test_an_article_page_with_its_comments_and_related_articles_reads_indexes(archive, client):
    """Related articles, "latest", the approved count and the threads: no table scan."""
    discussed = Comment.objects.values("article").annotate(n=Count("pk")).order_by("-n")[0]
    article = Article.objects.get(pk=discussed["article"])
    for sql, nodes in page_plans(client, article.get_absolute_url()):
        assert not table_scans(nodes), sql


def test_the_moderation_queue_reads_its_index(archive, admin_client):
    plans = page_plans(admin_client, "/admin/comments/comment/?status__exact=pending")
    (queue,) = [nodes for sql, nodes in plans if "comments_comment" in sql and "LIMIT 50" in sql]
    assert "comment_queue_idx" in {n.get("Index Name") for n in queue}
    for sql, nodes in plans:
        if counts_most_of_a_table(sql):
            continue
        assert not table_scans(nodes), sql


def test_commenters_histories_are_counted_from_the_index_alone(archive):
    """The queue's commenter column: what became of everything its 50 commenters wrote,
    counted without reading the comments themselves (an index-only scan): at 1M comments the
    table outgrows the database's memory and reading it took 400 ms a page."""
    emails = Comment.objects.order_by("-created_at").values_list("email", flat=True)[:50]
    queryset = Comment.objects.history_by_email_query(list(emails))
    sql, params = queryset.query.sql_with_params()
    nodes = plan(sql, params)
    scans = [node for node in nodes if node.get("Relation Name") == Comment._meta.db_table]
    assert [(node["Node Type"], node.get("Index Name")) for node in scans] == [
        ("Index Only Scan", "comment_history_idx")
    ]


def counts_most_of_a_table(sql: str) -> bool:
    """The count of every published article (home's pages), or of every status (the queue's
    tabs, exact below the estimate's threshold): an index would be read whole as well."""
    return (
        sql.startswith("SELECT COUNT(*)")
        and "section_id" not in sql
        and "tag_id" not in sql
        or ('"comments_comment"."status" IN' in sql)
    )
