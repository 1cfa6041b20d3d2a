"""Generated comments (`manage.py generate_content`) are threads the site itself could have made."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.generate import generate_articles
from articles.models import Article
from comments.conf import setting
from comments.generate import NothingToCommentOn, generate_comments
from comments.models import Comment, body_fingerprint
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

COUNT = 1500


@pytest.fixture
def generated():
    generate_articles(count=80, seed=5)
    run = generate_comments(count=COUNT, seed=5)
    comments = {comment.pk: comment for comment in Comment.objects.select_related("article")}
    return run, comments


def test_threads_and_depths_are_consistent(generated):
    """Each reply sits one level below an approved parent on the same article, in its thread,
    posted after it; a top-level comment is its own thread."""
    run, comments = generated
    assert len(comments) == COUNT and run.replies > COUNT / 4
    for comment in comments.values():
        if comment.parent_id is None:
            assert (comment.thread_id, comment.depth) == (comment.pk, 0)
            continue
        parent = comments[comment.parent_id]
        assert comment.thread_id == parent.thread_id
        assert comment.depth == parent.depth + 1 < setting("COMMENTS_MAX_DEPTH")
        assert parent.can_be_replied_to and parent.status == Comment.Status.APPROVED
        assert comment.article_id == parent.article_id
        assert comment.created_at > parent.created_at
    assert max(c.depth for c in comments.values()) == setting("COMMENTS_MAX_DEPTH") - 1


def test_derived_fields_are_what_save_would_derive(generated):
    """Fingerprints are body_fingerprint(body); saving a generated comment again changes
    nothing it derives."""
    _run, comments = generated
    for comment in comments.values():
        assert comment.body_fingerprint == body_fingerprint(comment.body)
    for comment in list(comments.values())[:40]:
        before = (comment.body_fingerprint, comment.thread_id, comment.depth)
        comment.save()
        comment.refresh_from_db()
        assert (comment.body_fingerprint, comment.thread_id, comment.depth) == before


def test_comments_follow_their_article_and_ids_follow_time(generated):
    _run, comments = generated
    now = timezone.now()
    for comment in comments.values():
        assert comment.article.published_at < comment.created_at <= now
        assert comment.article.status == Article.Status.PUBLISHED
    in_id_order = [comments[pk].created_at for pk in sorted(comments)]
    assert in_id_order == sorted(in_id_order)


def test_mostly_approved_some_pending_spam_and_rejected(generated):
    run, comments = generated
    statuses = Counter(comment.status for comment in comments.values())
    assert statuses == Counter(run.by_status)
    assert statuses[Comment.Status.APPROVED] > 0.8 * COUNT
    assert all(statuses[status] > 0 for status in Comment.Status.values)


def test_discussions_are_uneven_and_ip_addresses_are_kept_only_recently(generated):
    """A few articles draw most of the comments; addresses older than the retention are gone,
    as manage.py erase_comment_ips leaves them."""
    _run, comments = generated
    per_article = Counter(comment.article_id for comment in comments.values())
    assert max(per_article.values()) > 5 * COUNT / len(per_article)
    retention = timezone.now() - timedelta(days=setting("COMMENTS_IP_RETENTION_DAYS"))
    for comment in comments.values():
        assert (comment.ip_address is not None) == (comment.created_at >= retention)


def test_the_depth_limit_is_the_sites(settings):
    settings.COMMENTS_MAX_DEPTH = 2
    generate_articles(count=20)
    generate_comments(count=300)
    assert set(Comment.objects.values_list("depth", flat=True)) == {0, 1}


def test_without_published_articles_there_is_nothing_to_comment_on():
    ArticleFactory(status=Article.Status.DRAFT)
    with pytest.raises(NothingToCommentOn):
        generate_comments(count=10)
    assert not Comment.objects.exists()


def test_a_second_run_adds_comments_after_the_first(generated):
    run, _comments = generated
    second = generate_comments(count=200, seed=5)
    assert second.first_id == run.first_id + COUNT
    assert Comment.objects.count() == COUNT + 200
