"""Parts of pages kept rendered between requests (newsportal/fragments.py): a page the page
cache does not hold is assembled from them, and a purge of any key they depend on retires them."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import ArticleCommentPolicy, Comment, Mode
from comments.services import comment_moderate
from tests.comments.conftest import aged_token, post_form
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE = True


def page(article, client=None, **params) -> str:
    return (client or Client()).get(article.get_absolute_url(), params).content.decode()


def test_kept_parts_render_exactly_what_a_fresh_render_does(settings):
    """Threads, replies, pages of comments, the form, related and latest lists: the same bytes
    from the kept parts as from nothing."""
    settings.COMMENTS_PER_PAGE = 3
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    ArticleFactory(tags=[tag], headline="A related story")
    for number in range(5):
        top = CommentFactory(article=article, body=f"Top comment {number}")
        CommentFactory(article=article, parent=top, body=f"A reply {number}")
    closed = ArticleFactory(tags=[tag])
    ArticleCommentPolicy.objects.create(article=closed, mode=Mode.CLOSED)
    CommentFactory(article=closed, body="Said before it closed")

    cases = [(article, {}), (article, {"comments": "2"}), (article, {"replyto": str(top.pk)})]
    for shown, params in [*cases, (closed, {})]:
        settings.FRAGMENT_CACHE = False
        fresh = page(shown, **params)
        settings.FRAGMENT_CACHE = True
        page(shown, **params)  # renders and keeps
        assert page(shown, **params) == fresh
    # Lists of article cards: home, a section, a tag, a search.
    for url in [
        "/",
        article.section.get_absolute_url(),
        tag.get_absolute_url(),
        "/search/?q=story",
    ]:
        settings.FRAGMENT_CACHE = False
        fresh = Client().get(url).content.decode()
        settings.FRAGMENT_CACHE = True
        Client().get(url)
        assert Client().get(url).content.decode() == fresh, url


def test_an_approved_comment_shows_once_the_article_is_purged(django_capture_on_commit_callbacks):
    article = ArticleFactory()
    unpurged = CommentFactory(
        article=article, status=Comment.Status.PENDING, body="Approved quietly"
    )
    approved = CommentFactory(
        article=article, status=Comment.Status.PENDING, body="Approved just now"
    )
    page(article)
    # Approved behind the site's back (no signal, so no purge): the kept thread is shown.
    Comment.objects.filter(pk=unpurged.pk).update(status=Comment.Status.APPROVED)
    assert "Approved quietly" not in page(article)
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comment=approved, to_status=Comment.Status.APPROVED)
    shown = page(article)
    assert "Approved just now" in shown
    assert "Approved quietly" in shown


def test_a_reader_with_a_pending_comment_sees_it_under_a_kept_thread(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="Everyone sees this one")
    page(article)  # the shared thread is kept
    response = post_form(
        client,
        reverse("comments:post", kwargs={"article_id": article.pk}),
        {
            "comment": "Mine, waiting for a moderator",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "url": "",
            "issued": aged_token(),
        },
        follow=True,
    )
    assert response.status_code == 200
    own = page(article, client)
    assert "Mine, waiting for a moderator" in own
    assert "Your comment is awaiting moderation." in own
    assert "Everyone sees this one" in own
    assert "Mine, waiting for a moderator" not in page(article)


def test_the_form_a_reply_link_opens_is_never_the_kept_one():
    article = ArticleFactory()
    comment = CommentFactory(article=article, name="Grace")
    page(article)
    reply_page = page(article, replyto=str(comment.pk))
    assert "Reply to Grace" in reply_page
    assert re.search(rf'name="parent" value="{comment.pk}"', reply_page)
    assert "Reply to Grace" not in page(article)


def test_related_and_latest_follow_edits_and_publication(
    django_capture_on_commit_callbacks,
):
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    neighbour = ArticleFactory(tags=[tag], headline="Old title of the neighbour")
    assert "Old title of the neighbour" in page(article)
    with django_capture_on_commit_callbacks(execute=True):
        neighbour.headline = "New title of the neighbour"
        neighbour.save()
    shown = page(article)
    assert "New title of the neighbour" in shown
    assert "Old title of the neighbour" not in shown

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = ArticleFactory(tags=[tag], headline="A newcomer on the same subject")
        newcomer.tags.set([tag])
    assert "A newcomer on the same subject" in page(article)


def test_a_renamed_section_shows_in_every_page_navigation(django_capture_on_commit_callbacks):
    section = SectionFactory(name="Weather")
    article = ArticleFactory(section=section)
    assert ">Weather</a>" in page(article)
    with django_capture_on_commit_callbacks(execute=True):
        section.name = "Climate"
        section.save()
    assert ">Climate</a>" in Client().get("/").content.decode()


def test_made_up_comment_pages_are_not_kept():
    article = ArticleFactory()
    CommentFactory(article=article, body="The only comment")
    for number in ("999999", "abc", "-1", "100000000000"):
        response = Client().get(article.get_absolute_url(), {"comments": number})
        assert "The only comment" in response.content.decode()
    if isinstance(cache, LocMemCache):  # without Redis: count what the cache holds
        page(article)
        kept = len(cache._cache)
        for number in ("999998", "999997"):
            Client().get(article.get_absolute_url(), {"comments": number})
        assert len(cache._cache) == kept


def test_an_unreachable_cache_renders_every_part(cache_down):
    article = ArticleFactory()
    CommentFactory(article=article, body="Still shown")
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still shown" in response.content.decode()


def test_a_kept_article_is_never_served_at_its_old_address_or_after_withdrawal(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(slug="first-address", headline="The story")
    assert Client().get("/news/first-address/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "second-address"
        article.save()
    assert Client().get("/news/first-address/").status_code in (301, 404)
    assert "The story" in Client().get("/news/second-address/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert Client().get("/news/second-address/").status_code == 404


def test_a_kept_article_is_not_served_before_its_time():
    """Kept while live, then moved into the future without a purge: the clock decides."""
    article = ArticleFactory(slug="embargo")
    assert Client().get("/news/embargo/").status_code == 200
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(hours=1))
    assert Client().get("/news/embargo/").status_code == 404


def test_a_list_computed_while_a_purge_happened_is_not_kept():
    """The versions of the articles a list holds are read only after the list is: if any purge
    happened meanwhile, what was read may be older than it, so the list is not kept."""
    from newsportal.fragments import cached_by_keys
    from newsportal.page_cache import new_versions

    computed = []

    def compute():
        computed.append(True)
        if len(computed) == 1:
            new_versions(["article-999"])  # an editor saves some article meanwhile
        return ["a list"]

    for _ in range(3):
        value = cached_by_keys(
            "test-list", ["latest"], compute, 60, shown_keys=lambda value: ["article-1"]
        )
        assert value == ["a list"]
    assert len(computed) == 2  # not kept the first time; kept the second, read the third


def test_a_purged_part_does_not_come_back_when_its_version_is_lost():
    """Redis evicting, or the database cache culling, the version a purge gave a key must not
    bring back what was kept before that purge: a lost version counts as a purge."""
    from newsportal.fragments import cached_by_keys
    from newsportal.page_cache import new_versions

    assert cached_by_keys("test-part", ["article-5"], lambda: "before the edit", 60) == (
        "before the edit"
    )
    new_versions(["article-5"])  # the edit's purge
    cache.delete("key-version:article-5")  # ...and the cache lost its version
    assert cached_by_keys("test-part", ["article-5"], lambda: "after the edit", 60) == (
        "after the edit"
    )


def test_a_purged_page_does_not_come_back_when_its_version_is_lost(
    django_capture_on_commit_callbacks, settings
):
    """The same for a page made of kept parts (as every page the page cache misses is): the
    article's card on its section's page."""
    settings.PAGE_CACHE = False
    article = ArticleFactory(headline="Before the correction")
    section_page = article.section.get_absolute_url()
    assert "Before the correction" in Client().get(section_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "After the correction"
        article.save()
    assert "After the correction" in Client().get(section_page).content.decode()
    cache.delete(f"key-version:article-{article.pk}")
    shown = Client().get(section_page).content.decode()
    assert "After the correction" in shown
    assert "Before the correction" not in shown


def test_article_cards_follow_edits_of_their_article_section_and_authors(
    django_capture_on_commit_callbacks,
):
    author = AuthorFactory(name="Ada Writer")
    section = SectionFactory(name="Weather")
    article = ArticleFactory(section=section, authors=[author], headline="Storm warning")
    listing = section.get_absolute_url()
    assert "Storm warning" in Client().get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Storm warning lifted"
        article.save()
        author.name = "Ada Reporter"
        author.save()
    shown = Client().get(listing).content.decode()
    assert "Storm warning lifted" in shown
    assert "Ada Reporter" in shown and "Ada Writer" not in shown
    CommentFactory(article=article)  # its count is part of the card's name: no purge needed
    assert "1 comment</a>" in Client().get(listing).content.decode()


def test_a_kept_archive_count_follows_publication(django_capture_on_commit_callbacks, settings):
    """How many articles a section holds is kept (counting a large archive costs more than
    the page), until an article is published into it or withdrawn."""
    settings.ARTICLES_PAGE_SIZE = 4
    section = SectionFactory(name="Weather")
    ArticleFactory.create_batch(4, section=section)
    listing = section.get_absolute_url()
    assert "Page 1 of 2" not in Client().get(listing).content.decode()
    ArticleFactory(section=section)  # published behind the site's back: no purge yet
    assert "Page 1 of 2" not in Client().get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(section=section, headline="One more on the weather")
    assert "Page 1 of 2" in Client().get(listing).content.decode()


def test_a_kept_search_count_follows_edits_and_publication(django_capture_on_commit_callbacks):
    """How many articles match a search is kept like an archive's count, until an article is
    saved (it may now match, or no longer), published or withdrawn."""
    ArticleFactory(headline="Lighthouse keepers return")
    search = f"{reverse('articles:search')}?q=lighthouse"
    assert "1 article found." in Client().get(search).content.decode()
    other = ArticleFactory(headline="Quiet harbour")
    other.headline = "A second lighthouse"
    Article.objects.filter(pk=other.pk).update(headline=other.headline)  # no save: no purge
    assert "1 article found." in Client().get(search).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        other.save()
    assert "2 articles found." in Client().get(search).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        other.status = Article.Status.DRAFT
        other.save()
    assert "1 article found." in Client().get(search).content.decode()
