"""Spam resistance without a third party, and without annoying people."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments import spam
from comments.models import Comment, HoldReason, ModerationRule
from comments.tokens import issue_token
from tests.comments.conftest import aged_token, post_form

pytestmark = pytest.mark.django_db


def test_a_filled_honeypot_is_dropped_silently(article, post_comment):
    """The bot is shown what a person would be shown, and nothing is stored."""
    response = post_comment(article, homepage="http://spam.example.com")
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    honeypot = html.split('class="hp-field"')[1].split("</div>")[0]
    assert 'aria-hidden="true"' in honeypot
    assert 'tabindex="-1"' in html.split('name="homepage"')[1].split(">")[0]


def test_a_form_sent_too_fast_is_refused_with_a_message_and_a_fresh_token(article, post_comment):
    with time_machine.travel(timezone.now(), tick=False):
        response = post_comment(article, comment="Typed fast", issued=issue_token("127.0.0.1"))
    html = response.content.decode()
    assert "quicker than we expected" in html
    assert "Typed fast" in html
    assert not Comment.objects.exists()


def test_a_form_older_than_a_day_is_refused_politely(article, post_comment):
    old = timezone.now() - timedelta(days=1, minutes=1)
    with time_machine.travel(old, tick=False):
        token = issue_token("127.0.0.1")
    html = post_comment(article, comment="Came back later", issued=token).content.decode()
    assert "more than a day ago" in html
    assert "Came back later" in html


def test_a_forged_token_is_refused(article, post_comment):
    html = post_comment(article, issued="1700000000:forged:signature").content.decode()
    assert "could not check this form" in html
    assert not Comment.objects.exists()


def test_rate_limit_per_ip_keeps_the_text(article, post_comment, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    for n in range(2):
        assert post_comment(article, comment=f"Comment {n}").status_code == 302
    response = post_comment(article, comment="One too many")
    html = response.content.decode()
    assert "faster than we can read" in html
    assert "One too many" in html
    assert Comment.objects.count() == 2


def test_a_comment_refused_while_storing_still_counts_against_the_rate_limit(
    article, post_comment, settings, monkeypatch
):
    """The attempt is counted in the same write transaction that stores the comment, but a
    comment refused at that point (as when two posts race for one form token) rolls back only
    its own savepoint: the attempt stays counted."""
    from django.core.exceptions import ValidationError

    from comments import views

    settings.COMMENTS_RATE_LIMIT = 2
    assert post_comment(article, comment="Stored").status_code == 302

    def refuse(comment):
        raise ValidationError("Refused while storing.", code="refused")

    with monkeypatch.context() as patched:
        patched.setattr(views, "comment_store", refuse)
        assert "Refused while storing." in post_comment(article, comment="Refused").content.decode()
    limited = post_comment(article, comment="Something new").content.decode()
    assert "faster than we can read" in limited
    assert Comment.objects.count() == 1


def test_rate_limit_is_per_ip_address(client, article, post_comment, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    assert post_comment(article, comment="From A", remote_addr="192.0.2.1").status_code == 302
    from django.test import Client

    other = Client(REMOTE_ADDR="192.0.2.2")
    assert post_comment(article, comment="From B", browser=other).status_code == 302


def test_rate_limit_window_passes(article, post_comment, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    assert post_comment(article, comment="Before").status_code == 302
    assert post_comment(article, comment="Too soon").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert post_comment(article, comment="Later").status_code == 302


def test_a_limited_reader_is_told_how_long_to_wait(article, post_comment, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    for n in range(2):
        post_comment(article, comment=f"Quick {n}")
    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        html = post_comment(article, comment="Quick again").content.decode()
    assert "Please wait 20 seconds" in html
    assert "Quick again" in html  # still in the form


def test_the_same_comment_twice_is_refused(article, post_comment):
    post_comment(article, comment="Exactly this.")
    html = post_comment(article, comment="Exactly this.").content.decode()
    assert "already posted this comment" in html
    assert Comment.objects.count() == 1


def test_more_than_two_links_is_held_with_the_count(article, post_comment, settings):
    settings.COMMENTS_MODERATION = "known"
    body = "See https://a.example.org and http://b.example.org and www.c.example.org"
    post_comment(article, comment=body)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == HoldReason.LINKS
    assert comment.reason == "Links: 3 links"


@pytest.mark.parametrize(
    ("kind", "value", "fields", "status", "reason"),
    [
        (
            "blocked_word",
            "casino",
            {"comment": "Visit my Casino today"},
            Comment.Status.SPAM,
            "Blocked word: casino",
        ),
        (
            "blocked_email",
            "bad@example.net",
            {"email": "Bad@Example.net"},
            Comment.Status.SPAM,
            "Blocked email: bad@example.net",
        ),
        (
            "blocked_domain",
            "spam.example",
            {"email": "x@mail.spam.example"},
            Comment.Status.SPAM,
            "Blocked domain: spam.example",
        ),
        (
            "blocked_domain",
            "spam.example",
            {"url": "https://spam.example/buy"},
            Comment.Status.SPAM,
            "Blocked domain: spam.example",
        ),
        ("blocked_ip", "192.0.2.0/24", {}, Comment.Status.SPAM, "Blocked IP address: 192.0.2.0/24"),
        (
            "held_word",
            "idiot",
            {"comment": "What an IDIOT."},
            Comment.Status.PENDING,
            "Held word: idiot",
        ),
    ],
)
def test_moderators_lists_block_or_hold_with_the_rule_as_reason(
    article, post_comment, kind, value, fields, status, reason
):
    ModerationRule.objects.create(kind=kind, value=value)
    post_comment(article, remote_addr="192.0.2.77", **fields)
    comment = Comment.objects.get()
    assert comment.status == status
    assert comment.reason == reason


def test_words_match_whole_words_only(article, post_comment, settings):
    settings.COMMENTS_MODERATION = "known"
    ModerationRule.objects.create(kind="blocked_word", value="ass")
    post_comment(article, comment="A classic assessment of the class.")
    assert Comment.objects.get().held_reason == HoldReason.FIRST_COMMENT


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.5", "10.0.0.1", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "10.0.0.1", "203.0.113.5"),  # the forged left part ignored
        (2, "198.51.100.7, 203.0.113.5", "10.0.0.1", "198.51.100.7"),
        (1, "not-an-ip", "10.0.0.1", None),
        (1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.COMMENTS_TRUSTED_PROXIES = proxies
    request = rf.post("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert spam.client_ip(request) == expected


def test_behind_a_proxy_readers_are_rate_limited_one_by_one(
    client, article, post_comment, settings
):
    settings.COMMENTS_TRUSTED_PROXIES = 1
    settings.COMMENTS_RATE_LIMIT = 1
    for n, reader_ip in enumerate(["203.0.113.1", "203.0.113.2"]):
        response = post_comment(
            article, comment=f"Reader {n}", headers={"X-Forwarded-For": reader_ip}
        )
        assert response.status_code == 302
    assert Comment.objects.get(body="Reader 1").ip_address == "203.0.113.2"


@pytest.mark.parametrize(
    "repeat",
    [
        "Exactly  this.",  # doubled space: the defect as found
        " Exactly this. ",
        "Exactly\nthis.",
        "Exactly\tthis.",
        "exactly THIS.",
        "Exactly this",
        "Exactly this!!!",
        "Exactly\u200bthis.",  # zero-width space
        "Exactly\u00a0this.",  # no-break space
        "\uff25xactly this.",  # fullwidth E
        "Exactly\u202e this.",  # a direction override
    ],
)
def test_a_repeat_differing_only_in_spacing_case_or_invisibles_is_refused(
    article, post_comment, repeat
):
    """The duplicate check compares words, not bytes."""
    post_comment(article, comment="Exactly this.")
    html = post_comment(article, comment=repeat).content.decode()
    assert "already posted this comment" in html
    assert Comment.objects.count() == 1


def test_different_words_are_not_a_repeat(article, post_comment):
    post_comment(article, comment="Exactly this.")
    assert post_comment(article, comment="Exactly that.").status_code == 302
    assert Comment.objects.count() == 2


def test_a_blocked_word_matches_through_invisible_characters(article, post_comment):
    ModerationRule.objects.create(kind="blocked_word", value="casino")
    post_comment(article, comment="Visit my cas\u200bino")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_comments_without_words_are_compared_by_what_they_show(article, post_comment):
    """Two emoji-only comments are not "the same" just because neither has letters."""
    post_comment(article, comment="👍")
    assert post_comment(article, comment="👎").status_code == 302
    assert "already posted" in post_comment(article, comment=" 👍 ").content.decode()


def test_one_token_lets_one_comment_in(article, post_comment):
    """The replay as found: one token carried fifteen accepted posts. Now the second is
    refused, with the text kept and a fresh token to send it again."""
    token = aged_token()
    assert post_comment(article, comment="First with this token", issued=token).status_code == 302
    for n in range(3):
        html = post_comment(article, comment=f"Replay {n}", issued=token).content.decode()
        assert "already used to send a comment" in html
        assert f"Replay {n}" in html
    assert Comment.objects.count() == 1


def test_a_token_is_worth_nothing_to_another_reader(article, post_comment):
    """A token issued to one address is refused from another (and the text is kept)."""
    token = aged_token(client_address="203.0.113.7")
    html = post_comment(article, comment="Borrowed token", issued=token).content.decode()
    assert "could not check this form" in html
    assert "Borrowed token" in html
    assert not Comment.objects.exists()


def test_the_script_gets_a_fresh_token_for_this_reader_never_cached(client, article):
    response = client.get("/comments/token/")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    other = client.get("/comments/token/").json()["issued"]
    assert response.json()["issued"] != other
    from comments.tokens import token_problem

    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        assert token_problem(other, "127.0.0.1") is None
        assert token_problem(other, "198.51.100.1") is not None


def test_without_a_token_a_reader_confirms_once_and_it_is_posted(client, article, post_comment):
    """A reader without JavaScript on a page cached for everyone (no token in it) is asked to
    press the button again once; the second press, from the same page, posts."""
    response = post_comment(article, comment="From a cached page", issued="")
    html = response.content.decode()
    assert "One more step" in html and "From a cached page" in html
    fresh = html.split('name="issued" value="')[1].split('"')[0]
    assert fresh
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        second = post_comment(article, comment="From a cached page", issued=fresh)
    assert second.status_code == 302
    assert Comment.objects.get().body == "From a cached page"


def test_a_form_cached_for_hours_still_posts(client):
    """The cached page carries no token that could go stale: hours later, the token fetched
    when the reader starts typing lets the comment in."""
    import re

    from tests.factories import ArticleFactory

    article = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    with time_machine.travel(timezone.now() - timedelta(hours=6)):
        page = client.get(article.get_absolute_url()).content.decode()
    field = re.search(r'<input[^>]*name="issued"[^>]*>', page)[0]
    assert "value=" not in field
    with time_machine.travel(timezone.now() - timedelta(seconds=20)):
        token = client.get("/comments/token/").json()["issued"]
    fields = {"comment": "Hours later", "name": "Ada", "email": "ada@example.org"}
    response = post_form(client, f"/comments/post/{article.pk}/", {**fields, "issued": token})
    assert response.status_code == 302


def test_the_same_form_sent_again_after_its_answer_was_lost_is_answered_as_the_first(
    article, post_comment
):
    """A server that died between storing a comment and answering: the front cache sends the
    post again, or the reader does. The same text with the same token is the comment already
    stored, shown to its author, not an error about a used form; nothing is stored twice."""
    token = aged_token()
    first = post_comment(article, comment="Sent once, answered twice", issued=token)
    (comment,) = Comment.objects.all()
    assert first.status_code == 302 and first.url.endswith(f"#comment-{comment.pk}")
    again = post_comment(article, comment="Sent once, answered twice", issued=token, follow=True)
    assert again.redirect_chain[-1][0] == first.url
    assert "Sent once, answered twice" in again.content.decode()
    assert "already used" not in again.content.decode()
    assert Comment.objects.count() == 1
    # Another text with that token is still a replay.
    other = post_comment(article, comment="Something else", issued=token).content.decode()
    assert "already used to send a comment" in other
    assert Comment.objects.count() == 1
