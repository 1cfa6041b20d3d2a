"""The queue opens on a picture of the last 30 days (#11): comments per day by outcome, the
oldest pending comment's age, the median time to a decision, the filter's overturned guesses;
a chart the site draws, and the same figures as a table."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from comments import dashboard
from comments.models import Comment
from comments.services import comment_moderate
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"
SVG = "/admin/comments/comment/moderation-picture.svg"


@pytest.fixture(autouse=True)
def midday():
    """Today's comments in `month` are hours old: at midday they are today's, whatever the hour
    the tests run (after midnight they were yesterday's, and the tests failed)."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=True):
        yield


def arrived(days_ago: float, status=Comment.Status.PENDING, article=None) -> Comment:
    comment = CommentFactory(article=article or ArticleFactory(), status=status)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return Comment.objects.get(pk=comment.pk)


@pytest.fixture
def month(db):
    article = ArticleFactory()
    arrived(0.1, Comment.Status.APPROVED, article)
    arrived(0.2, Comment.Status.SPAM, article)
    arrived(2, Comment.Status.APPROVED, article)
    arrived(2, Comment.Status.REJECTED, article)
    waiting = arrived(3.5, Comment.Status.PENDING, article)
    arrived(40, Comment.Status.APPROVED, article)  # before the 30 days: not counted
    # Two decisions: one after 2 hours, one after 6 hours; the median is 4 hours.
    for hours in (2, 6):
        decided = arrived(1, Comment.Status.PENDING, article)
        comment_moderate(comment=decided, to_status=Comment.Status.APPROVED)
        decision = decided.decisions.get()
        decision.created_at = decided.created_at + timedelta(hours=hours)
        decision.save()
    return waiting


def test_the_picture_counts_the_last_30_days_by_outcome(month):
    picture = dashboard.moderation_picture(now=timezone.now())
    assert len(picture.days) == 30
    assert picture.received == 7
    totals = {status: total for status, _, _, total in picture.totals()}
    assert totals == {"approved": 4, "pending": 1, "rejected": 1, "spam": 1}
    assert picture.days[-1].counts == {"approved": 1, "spam": 1}
    assert timedelta(days=3, hours=11) < picture.oldest_pending < timedelta(days=3, hours=13)
    assert picture.median_decision == timedelta(hours=4)
    assert dashboard.duration(picture.median_decision) == "4 h 0 min"
    assert dashboard.duration(picture.oldest_pending).startswith("3 days 1")


def test_an_empty_month_says_so(db):
    picture = dashboard.moderation_picture(now=timezone.now())
    assert (picture.received, picture.oldest_pending, picture.median_decision) == (0, None, None)
    assert dashboard.duration(None) == "—"
    assert all(bar["pieces"] == [] for bar in picture.bars())


def test_the_queue_opens_on_the_picture_with_its_table(moderator_client, month):
    html = moderator_client.get(f"{QUEUE}?status__exact=pending").content.decode()
    assert "The last 30 days" in html
    assert "<dt>Median time to a decision</dt><dd>4 h 0 min</dd>" in html
    assert f'<img src="{SVG}"' in html
    assert "4 approved, 1 still pending, 1 rejected, 1 spam" in html  # the chart's alt text
    table = html.split('<table class="picture-table">')[1].split("</table>")[0]
    assert table.count("<tr>") == 31  # a header and 30 days
    today = timezone.localdate().strftime("%a %-d %b")
    row = f'<th scope="row">{today}</th><td>1</td><td>0</td><td>0</td><td>1</td><td>2</td>'
    assert row in table


def test_the_queue_draws_each_new_picture_not_the_last_one_it_drew(moderator_client, month):
    """The picture's HTML is kept with the picture (a minute); once the picture is drawn again,
    the queue shows the new figures, never the HTML of the old ones."""
    received = "<dt>Comments received</dt><dd>{}</dd>"
    assert received.format(7) in moderator_client.get(f"{QUEUE}?status__exact=pending").text
    arrived(0.05, Comment.Status.PENDING)
    assert received.format(7) in moderator_client.get(f"{QUEUE}?status__exact=pending").text
    cache.delete(dashboard.CACHE_KEY)  # the minute is over
    assert received.format(8) in moderator_client.get(f"{QUEUE}?status__exact=pending").text


def test_the_chart_is_an_svg_the_site_draws_with_a_bar_for_each_day(moderator_client, month):
    response = moderator_client.get(SVG)
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    bars = root.findall("svg:g", ns)
    assert len(bars) == 30
    today = bars[-1]
    assert today.find("svg:title", ns).text.endswith(": 1 approved, 1 spam")
    assert [rect.get("fill") for rect in today.findall("svg:rect", ns)] == ["#2e7d32", "#b71c1c"]


def test_the_chart_is_for_staff_only(client, month):
    response = client.get(SVG)
    assert response.status_code == 302  # to the login page
