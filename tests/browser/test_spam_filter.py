"""The spam filter in a moderator's browser (#11): each comment's likelihood and its reasons in
the queue, "most likely spam first", and the signals on the comment's own page."""

import random

import pytest
from django.test.utils import override_settings
from playwright.sync_api import expect

from comments import learning
from comments.models import Comment
from comments.services import comment_moderate
from tests.browser.conftest import log_in
from tests.comments.spam_corpus import corpus, reader_comment, spam_comment, submit
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_queue_shows_the_filters_guess_and_why(live_server, page, moderator, screenshot):
    article = ArticleFactory(headline="Harbour wall repaired")
    with override_settings(COMMENTS_SPAM_HOLD_LIKELIHOOD=1.1, COMMENTS_SPAM_LIKELIHOOD=1.1):
        for sample in corpus(120, seed=1):
            status = Comment.Status.SPAM if sample.is_spam else Comment.Status.APPROVED
            comment_moderate(comment=submit(article, sample), to_status=status)
    with override_settings(COMMENTS_SPAM_LIKELIHOOD=1.1):  # held for review, not binned
        pitch = submit(article, spam_comment(random.Random(3)))
    reader = submit(article, reader_comment(random.Random(4)))
    assert pitch.status == reader.status == Comment.Status.PENDING

    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/admin/comments/comment/?status__exact=pending")
    expect(page.locator(".spam-filter-line")).to_contain_text("learned from")
    page.get_by_role("link", name="Most likely spam first").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    expect(first).to_contain_text(pitch.excerpt)
    expect(first.locator(".field-reason_column")).to_contain_text("Likely spam")
    likelihood = first.locator(".spam-likelihood")
    expect(likelihood).to_have_text(learning.percent(pitch.spam_likelihood))
    strongest, _ = pitch.spam_reasons[0]
    assert learning.describe(strongest) in likelihood.get_attribute("title")
    expect(rows.nth(1)).to_contain_text(reader.excerpt)
    screenshot(page, "spam-filter-1-queue")

    first.locator(".field-excerpt_column a").click()
    guess = page.locator(".field-spam_guess")
    expect(guess).to_contain_text("likely to be spam")
    expect(guess.locator(".spam-reasons li")).to_have_count(len(pitch.spam_reasons))
    expect(guess.locator(".spam-reasons li").first).to_contain_text("towards spam")
    screenshot(page, "spam-filter-2-comment")
