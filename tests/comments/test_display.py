"""What readers see of comments under an article and on article lists."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import ArticleCommentPolicy, Comment, HoldReason, Mode
from comments.services import comment_moderate
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def page(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


def test_approved_comments_oldest_first_threaded_with_count(client, article):
    first = CommentFactory(article=article, body="First in time")
    second = CommentFactory(article=article, body="Second in time")
    reply = CommentFactory(article=article, parent=first, body="A reply to the first")
    CommentFactory(article=article, status=Comment.Status.PENDING, body="Not yet approved")
    CommentFactory(article=article, status=Comment.Status.SPAM, body="Buy now")
    CommentFactory(article=article, status=Comment.Status.REJECTED, body="Rejected words")
    html = page(client, article)
    assert '<h2 id="comments-heading" class="section-heading">3 comments</h2>' in html
    assert html.index("First in time") < html.index("A reply to the first")
    assert html.index("A reply to the first") < html.index("Second in time")
    thread = html.split(f'id="comment-{first.pk}"')[1].split(f'id="comment-{second.pk}"')[0]
    assert 'class="comment-replies' in thread and f'id="comment-{reply.pk}"' in thread
    for hidden in ("Not yet approved", "Buy now", "Rejected words"):
        assert hidden not in html


def test_one_comment_is_singular(client, article):
    CommentFactory(article=article)
    assert ">1 comment</h2>" in page(client, article)


def test_comments_paginate_past_fifty(client, article):
    comments = CommentFactory.create_batch(55, article=article)
    first_page = page(client, article)
    assert "55 comments" in first_page
    assert f'id="comment-{comments[49].pk}"' in first_page
    assert f'id="comment-{comments[50].pk}"' not in first_page
    assert "Comments page 1 of 2" in first_page
    second_page = page(client, article, comments=2)
    assert f'id="comment-{comments[54].pk}"' in second_page
    assert f'id="comment-{comments[0].pk}"' not in second_page


def test_author_links_to_website_with_nofollow_ugc_only_once_approved(
    client, article, post_comment
):
    approved = CommentFactory(article=article, name="Web Person", url="https://web.example.org")
    html = page(client, article)
    assert '<a href="https://web.example.org" rel="nofollow ugc noopener">Web Person</a>' in html

    post_comment(article, name="Pending Person", url="https://pending.example.org")
    mine = page(client, article)
    assert "Pending Person" in mine
    assert "https://pending.example.org" not in mine
    assert approved.url in mine


def test_avatar_is_made_locally_from_initials(client, article):
    CommentFactory(article=article, name="Grace Brewster Hopper")
    html = page(client, article)
    assert re.search(r'<span class="avatar avatar-\d" aria-hidden="true">GB</span>', html)
    assert "gravatar" not in html.lower()


def test_script_and_html_in_every_field_render_as_text(client, article):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    CommentFactory(article=article, name=evil, body=evil, url="https://e.example.org/?q=<b>")
    html = page(client, article)
    assert evil not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_emails_and_ip_addresses_never_appear_publicly(client, article):
    CommentFactory(article=article, email="secret.reader@example.org", ip_address="203.0.113.9")
    ArticleFactory()  # so lists and feeds have content
    for url in (
        article.get_absolute_url(),
        "/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap-articles.xml",
        article.section.get_absolute_url(),
    ):
        body = client.get(url).content.decode()
        assert "secret.reader" not in body, url
        assert "203.0.113.9" not in body, url
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page(client, article))
    assert "secret.reader" not in json.dumps(json.loads(ld.group(1)))


def test_comment_counts_on_article_lists(client, article):
    CommentFactory.create_batch(3, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    ArticleFactory(headline="Quiet story", section=article.section)
    html = client.get(article.section.get_absolute_url()).content.decode()
    assert (
        f'<a class="comment-count" href="{article.get_absolute_url()}#comments">3 comments</a>'
        in html
    )
    assert html.count('class="comment-count"') == 1


def test_reply_without_javascript(client, article, post_comment):
    parent = CommentFactory(article=article, name="Original Poster")
    html = page(client, article, replyto=parent.pk)
    assert "Reply to Original Poster" in html
    assert f'name="parent" value="{parent.pk}"' in html
    post_comment(article, parent=parent.pk, comment="My reply")
    reply = Comment.objects.get(body="My reply")
    assert reply.parent == parent and reply.depth == 1 and reply.thread == parent


def test_replies_stop_at_the_depth_limit(client, article, post_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    top = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=top)
    html = page(client, article)
    assert f'data-reply-to="{top.pk}"' in html
    assert f'data-reply-to="{reply.pk}"' not in html
    response = post_comment(article, parent=reply.pk, comment="Too deep")
    assert "can no longer take replies" in response.content.decode()
    assert "Too deep" in response.content.decode()


def test_pending_comments_cannot_be_replied_to(article, post_comment):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    response = post_comment(article, parent=pending.pk, comment="Reply to pending")
    assert "can no longer take replies" in response.content.decode()


def test_known_authors_are_approved_at_once_in_known_mode(client, article, post_comment):
    """A reader whose earlier comment from this browser was approved is published at once."""
    ArticleCommentPolicy.objects.create(article=article, mode=Mode.KNOWN)
    post_comment(article, comment="New here", email="regular@example.org")
    first = Comment.objects.get(body="New here")
    assert first.held_reason == HoldReason.FIRST_COMMENT
    comment_moderate(comment=first, to_status=Comment.Status.APPROVED)
    post_comment(article, comment="Regular again", email="Regular@Example.org")
    comment = Comment.objects.get(body="Regular again")
    assert comment.status == Comment.Status.APPROVED
    assert "Regular again" in page(Client(), article)


def test_the_form_says_what_happens_to_a_comment_in_each_mode(client, article, post_comment):
    """Pre-moderation promises a moderator's reading; "known" mode says that a regular's
    comments appear at once, and the page's script announces an approved comment as posted,
    not as waiting."""
    assert "Comments are read by a moderator before they appear." in page(client, article)
    ArticleCommentPolicy.objects.create(article=article, mode=Mode.KNOWN)
    html = page(Client(), article)
    assert "Comments are read by a moderator before they appear." not in html
    assert "once one is approved, your next comments from this browser appear at once" in html

    fetch = {"X-Requested-With": "fetch"}
    first = post_comment(article, comment="New here", email="regular@example.org", headers=fetch)
    assert first.json()["message"] == "Your comment was posted and is awaiting moderation."
    comment_moderate(
        comment=Comment.objects.get(body="New here"), to_status=Comment.Status.APPROVED
    )
    again = post_comment(
        article, comment="Regular again", email="regular@example.org", headers=fetch
    )
    assert again.json()["message"] == "Your comment was posted."
    assert "awaiting moderation" not in again.json()["html"]


@pytest.mark.parametrize("typed", ["regular@example.org", "REGULAR@example.ORG"])
def test_a_known_email_typed_in_another_browser_is_not_known(article, post_comment, typed):
    """Typing a regular's e-mail (in any case, under any name) does not skip moderation."""
    ArticleCommentPolicy.objects.create(article=article, mode=Mode.KNOWN)
    CommentFactory(article=article, email="regular@example.org", status=Comment.Status.APPROVED)
    post_comment(article, browser=Client(), comment="Impostor", name="Regular", email=typed)
    impostor = Comment.objects.get(body="Impostor")
    assert impostor.status == Comment.Status.PENDING
    assert impostor.held_reason == HoldReason.FIRST_COMMENT
    assert "Impostor" not in page(Client(), article)


def test_site_default_mode_applies_without_an_article_policy(article, post_comment, settings):
    settings.COMMENTS_MODERATION = "known"
    post_comment(article, comment="First", email="regular@example.org")
    comment_moderate(comment=Comment.objects.get(body="First"), to_status=Comment.Status.APPROVED)
    post_comment(article, comment="Second", email="regular@example.org")
    assert Comment.objects.get(body="Second").status == Comment.Status.APPROVED


def test_closed_article_shows_its_comments_and_says_so(client, article, post_comment):
    CommentFactory(article=article, body="Said before closing")
    ArticleCommentPolicy.objects.create(article=article, mode=Mode.CLOSED)
    html = page(client, article)
    assert "Said before closing" in html
    assert "Comments are closed." in html
    assert 'id="comment-form"' not in html
    assert "data-reply-to" not in html
    response = post_comment(article, comment="Sneaking in")
    assert "your comment could not be posted" in response.content.decode()
    assert "Sneaking in</textarea>" in response.content.decode()
    assert not Comment.objects.filter(body="Sneaking in").exists()


def test_comments_close_automatically_after_n_days(client, post_comment, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=15))
    fresh = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    assert "Comments are closed." in page(client, old)
    assert 'id="comment-form"' in page(client, fresh)
    assert post_comment(old).status_code == 200
    assert post_comment(fresh).status_code == 302


def test_article_page_queries_do_not_grow_with_comments(
    client, django_assert_num_queries, post_comment
):
    """The same number of queries for 2 comments as for 40 with replies and own pending ones."""
    counts = []
    for scale in (1, 10):
        article = ArticleFactory()
        for _ in range(scale):
            top = CommentFactory(article=article)
            reply = CommentFactory(article=article, parent=top)
            CommentFactory(article=article, parent=reply)
            CommentFactory(article=article, parent=top)
        post_comment(article, comment=f"my own pending {scale}")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert f"my own pending {scale}" in page(client, article)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_stored_script_address_is_never_a_link(client, article):
    """Even a row written behind the form's back cannot make the author's name a script link."""
    CommentFactory(article=article, name="Sneaky", url="javascript:alert(1)")
    html = page(client, article)
    assert "javascript:" not in html
    assert '<span class="comment-author">Sneaky</span>' in html
