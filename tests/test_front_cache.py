"""Public pages a shared front cache may keep, under keys that name what they show, purged
exactly (and only after the change commits) when any of it changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import services as article_services
from articles.models import Article, RelatedLink
from comments import services as comment_services
from comments.models import Comment
from newsportal import front_cache
from tests.comments.conftest import aged_token, post_form
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
    superuser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    author = AuthorFactory()
    tag = TagFactory()
    article = ArticleFactory(tags=[tag], authors=[author])
    other = ArticleFactory(section=article.section, tags=[tag])
    return {"article": article, "other": other, "tag": tag, "author": author}


def public_pages(newsroom):
    article = newsroom["article"]
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "article, replying": f"{article.get_absolute_url()}?replyto=1",
        "section": article.section.get_absolute_url(),
        "tag": newsroom["tag"].get_absolute_url(),
        "author": newsroom["author"].get_absolute_url(),
        "search": "/search/?q=harbour",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "section rss": f"/section/{article.section.slug}/rss/",
        "section atom": f"/section/{article.section.slug}/atom/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/sitemap-news.xml",
        "robots": "/robots.txt",
    }


def keys(response) -> set[str]:
    return set(response.get("xkey", "").split())


def test_every_public_page_is_cacheable_for_anonymous_readers(newsroom):
    """No cookie, no Vary: Cookie, a shared lifetime with stale-while-revalidate, and keys."""
    wrong = []
    for name, url in public_pages(newsroom).items():
        response = Client().get(url)
        cache_control = response.get("Cache-Control", "")
        problems = [
            response.status_code != 200 and f"status {response.status_code}",
            bool(response.cookies) and f"sets {sorted(response.cookies)}",
            "cookie" in response.get("Vary", "").lower() and "varies on Cookie",
            "public" not in cache_control and f"Cache-Control {cache_control!r}",
            "s-maxage=" not in cache_control and "no s-maxage",
            "stale-while-revalidate=" not in cache_control and "no stale-while-revalidate",
            not keys(response) and "no keys",
        ]
        wrong += [f"{name}: {problem}" for problem in problems if problem]
    assert wrong == []


def test_each_page_names_what_it_shows(newsroom):
    article, other, tag, author = (newsroom[k] for k in ("article", "other", "tag", "author"))
    client = Client()
    page = keys(client.get(article.get_absolute_url()))
    assert {f"article-{article.pk}", f"tag-{tag.pk}", f"author-{author.pk}"} <= page
    assert {"latest", "sections", f"article-{other.pk}"} <= page  # Latest / Related lists
    assert {"home", "latest", f"article-{article.pk}", f"article-{other.pk}"} <= keys(
        client.get("/")
    )
    section_page = keys(client.get(article.section.get_absolute_url()))
    assert {f"section-{article.section.pk}", f"article-{article.pk}"} <= section_page
    assert {f"tag-{tag.pk}", f"article-{other.pk}"} <= keys(client.get(tag.get_absolute_url()))
    assert f"author-{author.pk}" in keys(client.get(author.get_absolute_url()))
    assert {"latest", "feeds"} <= keys(client.get("/feeds/rss/"))
    assert {"latest", "sitemap"} <= keys(client.get("/sitemap.xml"))


def test_personal_requests_are_never_stored_by_a_shared_cache(newsroom, admin_client):
    """Staff, and a reader with a session (a pending comment of their own), get private
    pages; nothing personal is ever marked public."""
    url = newsroom["article"].get_absolute_url()
    assert "private" in admin_client.get(url)["Cache-Control"]
    reader = Client()
    post_form(
        reader,
        f"/comments/post/{newsroom['article'].pk}/",
        {"comment": "Mine", "name": "Ada", "email": "ada@example.org", "issued": aged_token()},
    )
    response = reader.get(url)
    assert "Mine" in response.content.decode()  # their pending comment, for them only
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    anonymous = Client().get(url)
    assert "Mine" not in anonymous.content.decode()
    assert "public" in anonymous["Cache-Control"]


def test_pages_are_kept_no_longer_than_the_next_scheduled_publication(newsroom, settings):
    """A scheduled article appears on time without anyone saving: caches keep pages only
    until it goes live."""
    settings.FRONT_CACHE_SECONDS = 600
    ArticleFactory(published_at=timezone.now() + timedelta(seconds=90))
    cache_control = Client().get("/")["Cache-Control"]
    max_age = int(cache_control.split("s-maxage=")[1].split(",")[0])
    assert 1 <= max_age <= 91


def test_an_unchanged_page_is_a_304(newsroom):
    client = Client()
    url = newsroom["article"].get_absolute_url()
    first = client.get(url)
    assert first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_pages_carry_no_per_request_nonce_in_their_policy(newsroom):
    """A cached header is served to everyone: it must not carry one reader's CSP nonce."""
    response = Client().get(newsroom["article"].get_absolute_url())
    assert "nonce-" not in response.get("Content-Security-Policy", "")


# --- purging ---------------------------------------------------------------------------------


@pytest.fixture
def purged(settings, monkeypatch):
    """The keys each purge sent, in order."""
    settings.FRONT_CACHE_PURGE_URLS = ["http://cache.invalid/"]
    sent: list[set[str]] = []
    monkeypatch.setattr(front_cache, "send_purge", lambda keys: sent.append(set(keys)))
    return sent


def all_keys(sent) -> set[str]:
    return set().union(*sent) if sent else set()


def test_purges_wait_for_the_commit(newsroom, purged, django_capture_on_commit_callbacks):
    article = newsroom["article"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.headline = "Corrected headline"
        article.save()
    assert purged == []  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert f"article-{article.pk}" in all_keys(purged)


def _run(django_capture_on_commit_callbacks, change):
    with django_capture_on_commit_callbacks(execute=True):
        change()


@pytest.mark.parametrize(
    "change",
    [
        "edit",
        "publish",
        "unpublish",
        "delete",
        "slug",
        "section",
        "tags",
        "byline",
        "related link",
        "approve comment",
        "reject comment",
        "redact comment",
        "delete comment",
    ],
)
def test_every_change_purges_every_page_that_shows_it(
    newsroom, purged, django_capture_on_commit_callbacks, change
):
    article, other, tag = newsroom["article"], newsroom["other"], newsroom["tag"]
    old_section = article.section
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    approved = CommentFactory(article=article)
    new_section, new_tag, new_author = SectionFactory(), TagFactory(), AuthorFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, section=new_section)
    purged.clear()
    expected = {
        "edit": {f"article-{article.pk}", "feeds"},
        "publish": {f"article-{draft.pk}", "latest", "home", f"section-{new_section.pk}"},
        "unpublish": {f"article-{article.pk}", "latest", f"section-{old_section.pk}"},
        "delete": {f"article-{article.pk}", "latest"},
        "slug": {f"article-{article.pk}"},  # the old URL's page carries this key too
        "section": {f"section-{old_section.pk}", f"section-{new_section.pk}", "latest"},
        "tags": {f"article-{article.pk}", f"tag-{new_tag.pk}", f"tag-{tag.pk}"},
        "byline": {f"article-{article.pk}", f"author-{new_author.pk}"},
        "related link": {f"article-{article.pk}"},
        "approve comment": {f"article-{article.pk}"},
        "reject comment": {f"article-{article.pk}"},
        "redact comment": {f"article-{article.pk}"},
        "delete comment": {f"article-{article.pk}"},
    }[change]
    actions = {
        "edit": lambda: (setattr(article, "standfirst", "Corrected."), article.save()),
        "publish": lambda: article_services.article_publish(article=draft),
        "unpublish": lambda: article_services.article_unpublish(article=article),
        "delete": article.delete,
        "slug": lambda: (setattr(article, "slug", "a-new-slug"), article.save()),
        "section": lambda: (setattr(article, "section", new_section), article.save()),
        "tags": lambda: article.tags.set([new_tag]),
        "byline": lambda: article.bylines.create(author=new_author, position=5),
        "related link": lambda: RelatedLink.objects.create(article=article, target=other),
        "approve comment": lambda: comment_services.comment_moderate(
            comment=comment, to_status=Comment.Status.APPROVED
        ),
        "reject comment": lambda: comment_services.comment_moderate(
            comment=approved, to_status=Comment.Status.REJECTED
        ),
        "redact comment": lambda: comment_services.comment_redact(
            comment=approved, body="[removed by a moderator]"
        ),
        "delete comment": approved.delete,
    }
    _run(django_capture_on_commit_callbacks, actions[change])
    assert expected <= all_keys(purged), all_keys(purged)


def test_changes_nobody_can_see_purge_nothing(newsroom, purged, django_capture_on_commit_callbacks):
    """A draft's edits and a new pending comment change no public page."""
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    article = newsroom["article"]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft.headline = "Still a draft"
        draft.save()
        comment_services.comment_submit(
            article=article, name="Ada", email="ada@example.org", body="Pending"
        )
    assert purged == []


def test_purging_a_cache_that_is_down_never_troubles_the_editor(settings, newsroom, caplog):
    settings.FRONT_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens there
    front_cache.send_purge(["article-1"])
    assert "Could not purge" in caplog.text


def test_an_editors_save_in_the_admin_purges(newsroom, purged, django_capture_on_commit_callbacks):
    """The admin's own forms pass the same way (no service involved)."""
    admin = superuser("chief")
    browser = Client()
    browser.force_login(admin)
    tag = newsroom["tag"]
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/admin/articles/tag/{tag.pk}/change/", {"name": "Renamed", "slug": "r"})
    assert f"tag-{tag.pk}" in all_keys(purged)
