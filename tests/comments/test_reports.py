"""Readers report comments (#11): once each, never their own, enough of them hide a comment until
a moderator looks, and a moderator's dismissal keeps it up for good."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, CommentReport, HoldReason, ModerationDecision
from tests.comments.conftest import post_form
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"


def report_url(comment):
    return f"/comments/{comment.pk}/report/"


def report(comment, *, address="203.0.113.1", browser=None, fetch=False, **fields):
    """A reader at `address` reports `comment` from a page of the site."""
    browser = browser or Client(REMOTE_ADDR=address)
    data = {"reason": "abuse", "note": "", **fields}
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if fetch else {}
    return post_form(browser, report_url(comment), data, REMOTE_ADDR=address, **headers)


@pytest.fixture
def comment(article):
    return CommentFactory(
        article=article, status=Comment.Status.APPROVED, body="You are all idiots."
    )


def test_every_approved_comment_has_a_report_link_and_its_own_report_page(client, comment):
    page = client.get(comment.article.get_absolute_url()).content.decode()
    assert f'href="{report_url(comment)}" rel="nofollow" data-report>Report' in page
    form_page = client.get(report_url(comment))
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert "You are all idiots." in html
    for label in ("Spam", "Abusive or hateful", "Off-topic", "Something else"):
        assert label in html


def test_a_report_is_stored_with_its_reason_and_note_and_the_reader_is_thanked(comment):
    response = report(comment, reason="off_topic", note="Nothing to do with the floods.")
    assert response.status_code == 200
    assert "A moderator will look at this comment." in response.content.decode()
    stored = CommentReport.objects.get()
    assert (stored.reason, stored.note) == ("off_topic", "Nothing to do with the floods.")
    assert "203.0.113.1" not in stored.reader  # a keyed hash, never the address
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (1, Comment.Status.APPROVED)


def test_reporting_twice_counts_once(comment):
    report(comment)
    again = report(comment, reason="spam")
    assert again.status_code == 400
    assert "You have already reported this comment." in again.content.decode()
    assert CommentReport.objects.count() == 1
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_a_reader_cannot_report_their_own_comment(article, post_comment, client):
    post_comment(article, comment="My own words here.")
    own = Comment.objects.get(body="My own words here.")
    # Waiting for a moderator: not shown to anyone else, so not reportable, and not revealed.
    assert client.get(report_url(own)).status_code == 404
    refused = post_form(client, report_url(own), {"reason": "spam"})
    assert refused.status_code == 400
    assert "This is your own comment." in refused.content.decode()
    assert "My own words here." not in refused.content.decode()
    # Another reader learns no more about it.
    other = report(own, address="198.51.100.7")
    assert "can no longer be reported" in other.content.decode()
    assert "My own words here." not in other.content.decode()
    # Approved, it is shown to everyone; its author still cannot report it.
    Comment.objects.filter(pk=own.pk).update(status=Comment.Status.APPROVED)
    refused = post_form(client, report_url(own), {"reason": "spam"})
    assert "This is your own comment." in refused.content.decode()
    assert not CommentReport.objects.exists()


def test_three_readers_reports_hide_the_comment_until_a_moderator_looks(client, comment, settings):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    report(comment, address="203.0.113.1", reason="abuse")
    report(comment, address="203.0.113.2", reason="spam")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    report(comment, address="203.0.113.3", reason="abuse")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == HoldReason.REPORTED
    assert comment.reason == "Reported by readers: 3 reports: abusive or hateful ×2, spam"
    assert "You are all idiots." not in client.get(comment.article.get_absolute_url()).text
    logged = ModerationDecision.objects.get(comment=comment)
    assert (logged.from_status, logged.to_status, logged.moderator) == ("approved", "pending", None)


def test_the_queue_reads_readers_reasons_only_for_the_rows_that_were_reported(
    moderator_client, comment, article
):
    CommentFactory.create_batch(3, article=article, status=Comment.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        page = moderator_client.get(f"{QUEUE}?all=1")
    assert not [q for q in queries.captured_queries if "comments_commentreport" in q["sql"]]
    report(comment, address="203.0.113.1", reason="spam")
    with CaptureQueriesContext(connection) as queries:
        page = moderator_client.get(f"{QUEUE}?all=1")
    reads = [q for q in queries.captured_queries if "comments_commentreport" in q["sql"]]
    assert len(reads) == 1
    assert "1 report: spam" in page.content.decode()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's planner (PostgreSQL's plans: tests/articles/test_indexes.py)",
)
def test_the_reported_tab_is_counted_from_its_partial_index_not_by_walking_the_comments(
    moderator_client,
):
    with CaptureQueriesContext(connection) as queries:
        assert moderator_client.get(f"{QUEUE}?status__exact=pending").status_code == 200
    (count,) = [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT" in query["sql"] and "report_count" in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}")
        steps = [row[-1] for row in cursor.fetchall()]
    assert any("comment_reported_idx" in step for step in steps), steps


def test_the_reported_tab_lists_them_with_their_reasons_and_dismissing_keeps_them_up(
    moderator_client, comment, article, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 2
    quiet = CommentFactory(article=article, status=Comment.Status.APPROVED, body="Fine words.")
    report(comment, address="203.0.113.1")
    report(comment, address="203.0.113.2", reason="spam")  # hidden now
    report(quiet, address="203.0.113.1", reason="off_topic")  # one report: still shown
    page = moderator_client.get(f"{QUEUE}?reported=1")
    assert set(page.context["cl"].result_list) == {comment, quiet}
    html = page.content.decode()
    assert "Reported by readers: 2 reports: abusive or hateful, spam" in html
    assert "1 report: off-topic" in html
    tab = next(tab for tab in page.context["status_tabs"] if tab["label"] == "Reported")
    assert (tab["count"].number, tab["current"]) == (2, True)

    moderator_client.post(
        QUEUE + "?reported=1",
        {"action": "dismiss_reports_selected", "_selected_action": [comment.pk, quiet.pk]},
    )
    comment.refresh_from_db()
    assert (comment.status, comment.reports_dismissed) == (Comment.Status.APPROVED, True)
    assert list(moderator_client.get(f"{QUEUE}?reported=1").context["cl"].result_list) == []
    # It stays up: readers can no longer report it, and the page no longer offers to.
    refused = report(comment, address="203.0.113.9")
    assert "can no longer be reported" in refused.content.decode()
    article_page = Client().get(article.get_absolute_url()).content.decode()
    assert "You are all idiots." in article_page
    assert report_url(comment) not in article_page
    assert report_url(quiet) not in article_page


def test_a_moderator_approving_a_hidden_comment_answers_its_reports(
    moderator_client, comment, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    report(comment)
    inline = {f"decisions-{name}_FORMS": "0" for name in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")}
    moderator_client.post(
        f"{QUEUE}{comment.pk}/change/", {"_moderate": "approved", "body": comment.body, **inline}
    )
    comment.refresh_from_db()
    assert (comment.status, comment.reports_dismissed) == (Comment.Status.APPROVED, True)


def test_with_javascript_the_answer_is_json(comment):
    done = report(comment, fetch=True)
    thanks = "Thank you. A moderator will look at this comment."
    assert done.json() == {"ok": True, "message": thanks}
    again = report(comment, fetch=True)
    assert again.status_code == 400
    assert "already reported" in again.json()["message"]


def test_bad_reports_get_a_clear_message_and_keep_the_note(comment):
    response = report(comment, reason="nonsense", note="Keep this note")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice." in html or "Please choose why" in html
    assert "Keep this note" in html
    hidden = report(comment, note="bad\u202etext")
    assert "invisible or change the direction" in hidden.content.decode()
    assert not CommentReport.objects.exists()


def test_a_report_from_another_site_is_refused(comment):
    browser = Client(REMOTE_ADDR="203.0.113.1")
    response = browser.post(
        report_url(comment),
        "reason=abuse",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 400
    assert "sent from another site" in response.content.decode()
    assert not CommentReport.objects.exists()


def test_reports_are_rate_limited_per_address(article, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = 2
    comments = [CommentFactory(article=article, status=Comment.Status.APPROVED) for _ in range(3)]
    for target in comments[:2]:
        assert report(target).status_code == 200
    refused = report(comments[2])
    assert "faster than we can read them" in refused.content.decode()
    assert CommentReport.objects.count() == 2


def test_an_unknown_or_unpublished_comment_is_not_found(client, comment):
    assert client.get("/comments/999999/report/").status_code == 404
    comment.article.status = "draft"
    comment.article.save()
    assert client.get(report_url(comment)).status_code == 404
