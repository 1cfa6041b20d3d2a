"""Verified staff, impersonation, one-click blocks and each commenter's history (#11)."""

import pytest
from django.contrib.auth import get_user_model

from comments.identity import skeleton
from comments.models import Comment, HoldReason, ModerationRule
from tests.factories import CommentFactory, staff_member

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"
INLINE = {f"decisions-{name}_FORMS": "0" for name in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")}


@pytest.fixture
def mara(db):
    return staff_member("mara", "Editors", first_name="Mara", last_name="Okonkwo")


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_staff_signed_in_are_approved_at_once_under_their_name_and_verified(
    client, article, post_comment, group
):
    member = staff_member("desk", group, first_name="Dev", last_name="Ranganathan")
    client.force_login(member)
    form_page = client.get(article.get_absolute_url()).content.decode()
    assert "published at once as <strong>Dev Ranganathan</strong>" in form_page
    post_comment(article, comment="A correction is on its way.", name="Someone Else")
    comment = Comment.objects.get()
    assert (comment.status, comment.name, comment.user) == (
        Comment.Status.APPROVED,
        "Dev Ranganathan",
        member,
    )
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    card = page.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]
    assert "Verified staff" in card


def test_a_signed_in_reader_who_is_not_staff_is_a_guest(client, article, post_comment):
    reader = get_user_model().objects.create_user("reader", "r@example.org", "pw")
    client.force_login(reader)
    post_comment(article, comment="Just a reader.", name="Just Reader")
    comment = Comment.objects.get()
    assert (comment.status, comment.user) == (Comment.Status.PENDING, None)
    assert "Verified staff" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Mara Okonkwo",
        "mara okonkwo",
        "  MARA   OKONKWO ",
        "Mаrа Okonkwo",  # Cyrillic а
        "Ｍａｒａ Ｏｋｏｎｋｗｏ",  # fullwidth
        "𝐌𝐚𝐫𝐚 𝐎𝐤𝐨𝐧𝐤𝐰𝐨",  # mathematical bold
        "Mara 0konkwo",  # a zero for an O
        "Mara-Okonkwo.",
        "mara",  # the username
    ],
)
def test_a_guest_taking_a_staff_name_is_held_for_impersonation(article, post_comment, mara, name):
    post_comment(article, comment="Official statement: all is well.", name=name)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == HoldReason.IMPERSONATION
    assert comment.reason == "Impersonation: passes for Mara Okonkwo"


def test_other_names_are_not_taken_for_staff(article, post_comment, mara):
    for name in ("Mara Okafor", "Tara Okonkwo", "Okonkwo Fan"):
        post_comment(article, comment=f"From {name}.", name=name)
    assert not Comment.objects.filter(held_reason=HoldReason.IMPERSONATION).exists()
    assert skeleton("Ｍａｒａ") == skeleton("mara") == "mara"


def test_one_click_blocks_the_email_ip_or_a_linked_domain_with_the_comment_as_origin(
    moderator_client, article, post_comment
):
    spam = CommentFactory(
        article=article,
        email="Seller@Pills.example",
        ip_address="198.51.100.9",
        url="https://www.cheap-pills.example/",
        body="Buy now at https://deals.example/offer and www.more-deals.example",
    )
    page = moderator_client.get(f"{QUEUE}{spam.pk}/change/").content.decode()
    for label in (
        "Block e-mail seller@pills.example",
        "Block IP address 198.51.100.9",
        "Block links to cheap-pills.example",
        "Block links to deals.example",
        "Block links to more-deals.example",
    ):
        assert label in page
    change = f"{QUEUE}{spam.pk}/change/"
    for value in ("blocked_email", "blocked_ip", "blocked_domain:deals.example"):
        moderator_client.post(change, {"_block": value, "body": spam.body, **INLINE})
    rules = {(r.kind, r.value): r for r in ModerationRule.objects.all()}
    assert set(rules) == {
        ("blocked_email", "seller@pills.example"),
        ("blocked_ip", "198.51.100.9"),
        ("blocked_domain", "deals.example"),
    }
    assert all(rule.origin == spam for rule in rules.values())
    again = moderator_client.post(
        change, {"_block": "blocked_ip", "body": spam.body, **INLINE}, follow=True
    )
    assert "Already blocked" in again.content.decode()
    assert "IP address 198.51.100.9: blocked" in again.content.decode()
    # A domain the comment does not link to cannot be slipped in.
    moderator_client.post(
        change, {"_block": "blocked_domain:bbc.co.uk", "body": spam.body, **INLINE}
    )
    assert not ModerationRule.objects.filter(value="bbc.co.uk").exists()

    moderator_client.logout()
    post_comment(article, comment="Fresh offer: https://shop.deals.example/x", email="new@x.org")
    assert Comment.objects.latest("pk").status == Comment.Status.SPAM


def test_editors_cannot_block(client, article, mara):
    comment = CommentFactory(article=article, email="a@b.example")
    client.force_login(mara)
    client.post(f"{QUEUE}{comment.pk}/change/", {"_block": "blocked_email", "body": "x", **INLINE})
    assert not ModerationRule.objects.exists()


def test_the_queue_shows_each_commenters_history_here(moderator_client, article):
    for status in (
        Comment.Status.APPROVED,
        Comment.Status.APPROVED,
        Comment.Status.SPAM,
        Comment.Status.REJECTED,
    ):
        CommentFactory(article=article, email="Regular@Example.org", status=status)
    CommentFactory(article=article, email="regular@example.org", status=Comment.Status.PENDING)
    CommentFactory(article=article, email="new@example.org", status=Comment.Status.PENDING)
    html = moderator_client.get(f"{QUEUE}?status__exact=pending").content.decode()
    assert "2 approved · 1 rejected · 1 spam" in html
    assert "nothing decided yet" in html


def test_a_commenters_history_is_kept_between_pages_and_changes_with_each_decision(
    moderator_client, article, django_assert_num_queries
):
    """Counting a regular's thousands of comments for every page was the queue's largest cost
    at scale (#8): the line is kept, and a decision on one of their comments, an undo or a
    deletion shows on the very next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comments import services

    def history_line():
        with CaptureQueriesContext(connection) as queries:
            html = moderator_client.get(f"{QUEUE}?status__exact=pending").content.decode()
        counted = any("LOWER(" in query["sql"] for query in queries.captured_queries)
        return html.split('class="commenter-history">')[1].split("<")[0], counted

    approved = CommentFactory(article=article, email="regular@example.org", status="approved")
    CommentFactory(article=article, email="regular@example.org", status="approved")
    waiting = CommentFactory(article=article, email="regular@example.org", status="pending")
    assert history_line() == ("2 approved", True)
    assert history_line() == ("2 approved", False)
    # A new comment waiting for moderation is not part of the line: it stays kept.
    CommentFactory(article=article, email="Regular@Example.org", status="pending")
    assert history_line() == ("2 approved", False)

    moderator = moderator_client.session["_auth_user_id"]
    decision = services.comment_moderate(
        comment=waiting, to_status="spam", moderator=get_user_model().objects.get(pk=moderator)
    )
    assert history_line() == ("2 approved · 1 spam", True)
    services.decision_undo(decision=decision, moderator=decision.moderator)
    assert history_line() == ("2 approved", True)
    approved.delete()
    assert history_line() == ("1 approved", True)
