"""A WordPress export's comments imported (#10): statuses, threads in any order, dates and
authors kept; pingbacks and trackbacks counted, not imported; a second run adds nothing."""

import io
from datetime import UTC, datetime

import pytest

from articles.models import Article
from comments.models import Comment
from newsportal.wordpress_import import import_export
from tests.articles.wordpress_exports import Comment as WPComment
from tests.articles.wordpress_exports import Post, export

pytestmark = pytest.mark.django_db


def post_with(*comments) -> bytes:
    return export(Post(10, "Barrier holds", slug="barrier-holds", comments=list(comments)).xml())


def test_statuses_map_and_pingbacks_and_trackbacks_are_counted_not_imported():
    report = import_export(
        io.BytesIO(
            post_with(
                WPComment(1, "Approved one", approved="1"),
                WPComment(2, "Waiting one", approved="0"),
                WPComment(3, "Buy pills", approved="spam"),
                WPComment(4, "Binned by hand", approved="trash"),
                WPComment(5, "Binned with its post", approved="post-trashed"),
                WPComment(6, "Linked from elsewhere", type="pingback"),
                WPComment(7, "Also linked", type="trackback"),
            )
        )
    )
    assert dict(Comment.objects.values_list("body", "status")) == {
        "Approved one": Comment.Status.APPROVED,
        "Waiting one": Comment.Status.PENDING,
        "Buy pills": Comment.Status.SPAM,
        "Binned by hand": Comment.Status.REJECTED,
        "Binned with its post": Comment.Status.REJECTED,
    }
    assert report.created["comments"] == 5
    assert "skipped: 1 pingbacks, 1 trackbacks" in "\n".join(report.lines())


def test_a_reply_before_its_parent_in_the_file_keeps_its_thread():
    import_export(
        io.BytesIO(
            post_with(
                WPComment(9, "Reply to a reply", parent=8),
                WPComment(8, "A reply", parent=7),
                WPComment(7, "The first word"),
            )
        )
    )
    first = Comment.objects.get(body="The first word")
    reply = Comment.objects.get(body="A reply")
    deeper = Comment.objects.get(body="Reply to a reply")
    assert (reply.parent, deeper.parent) == (first, reply)
    assert {first.thread_id, reply.thread_id, deeper.thread_id} == {first.pk}
    assert [c.depth for c in (first, reply, deeper)] == [0, 1, 2]


def test_who_wrote_it_and_when_are_kept_and_markup_becomes_text():
    import_export(
        io.BytesIO(
            post_with(
                WPComment(
                    1,
                    'Read <a href="https://example.org/">this</a> &amp; <em>that</em>.',
                    author="Þóra Editor",  # a registered user's display name, as WordPress wrote it
                    email="thora@example.org",
                    url="https://thora.example/",
                    ip="2001:db8::7",
                    date_gmt="2023-11-05 17:45:12",
                    user_id=3,
                ),
                WPComment(2, "No address given", ip="unknown", url="javascript:alert(1)"),
            )
        )
    )
    comment = Comment.objects.get(name="Þóra Editor")
    assert comment.body == "Read this & that."
    assert (comment.email, comment.url, comment.ip_address) == (
        "thora@example.org",
        "https://thora.example/",
        "2001:db8::7",
    )
    assert comment.created_at == datetime(2023, 11, 5, 17, 45, 12, tzinfo=UTC)
    assert comment.article == Article.objects.get(slug="barrier-holds")
    odd = Comment.objects.get(body="No address given")
    assert (odd.ip_address, odd.url) == (None, "")


def test_a_second_run_adds_no_comment_and_keeps_the_threads():
    data = post_with(WPComment(2, "A reply", parent=1), WPComment(1, "The first word"))
    import_export(io.BytesIO(data))
    again = import_export(io.BytesIO(data))
    assert Comment.objects.count() == 2
    assert Comment.objects.get(body="A reply").parent.body == "The first word"
    assert again.unchanged["comments"] == 2 and not again.created["comments"]


def test_a_reply_to_a_missing_comment_or_a_loop_of_replies_still_imports():
    """A corrupt file: a parent not in it, and two comments each the other's reply."""
    report = import_export(
        io.BytesIO(
            post_with(
                WPComment(5, "Orphan", parent=99),
                WPComment(6, "Loop A", parent=7),
                WPComment(7, "Loop B", parent=6),
            )
        )
    )
    assert Comment.objects.get(body="Orphan").parent is None
    loop = Comment.objects.filter(body__startswith="Loop")
    first, second = sorted(loop, key=lambda comment: comment.parent_id is not None)
    # Cut where it closed: one starts the thread, the other answers it.
    assert (first.parent_id, second.parent_id) == (None, first.pk)
    assert first.thread_id == second.thread_id == first.pk
    assert "its parent #99 is not in the export" in "\n".join(report.lines())
