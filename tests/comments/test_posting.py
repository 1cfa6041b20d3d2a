"""A reader posts a comment: the form, its messages, and what happens to the comment."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, HoldReason
from tests.comments.conftest import aged_token, post_form
from tests.factories import ArticleFactory, LiveUpdateFactory

pytestmark = pytest.mark.django_db


def test_form_fields_in_order_with_the_sites_words(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    form = html.split('id="comment-form"')[1].split("</form>")[0]
    names = re.findall(r'name="(comment|name|email|url|save_details)"', form)
    assert names == ["comment", "name", "email", "url", "save_details"]
    assert 'placeholder="Please enter your comment!"' in form
    assert 'placeholder="Please enter your name here"' in form
    assert "Save my name, email, and website in this browser for the next time I comment." in form
    # Nothing per reader in the page, so it can be cached for everyone (see test_front_cache).
    assert "csrfmiddlewaretoken" not in form


def test_a_posted_comment_waits_for_moderation_and_only_its_author_sees_it(
    client, article, post_comment
):
    """Pre-moderation is the default: the author sees it marked; nobody else sees it."""
    response = post_comment(article, comment="First!")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == HoldReason.PRE_MODERATION

    mine = client.get(article.get_absolute_url()).content.decode()
    assert "First!" in mine and "Your comment is awaiting moderation." in mine

    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert "First!" not in stranger


def test_comments_work_on_live_coverage_as_on_every_article(client, article, post_comment):
    """A live article (#13) takes comments under its updates, held and shown to their author
    the same way; the coverage's page is still the article's page."""
    article.is_live = True
    article.save()
    LiveUpdateFactory(article=article, body="<p>The wall is holding.</p>")
    response = post_comment(article, comment="Stay safe, everyone.")
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    mine = client.get(article.get_absolute_url()).content.decode()
    assert "The wall is holding." in mine
    assert "Stay safe, everyone." in mine and "Your comment is awaiting moderation." in mine
    assert "Stay safe, everyone." not in Client().get(article.get_absolute_url()).content.decode()


def test_the_pending_comment_is_tied_to_the_session_not_a_guessable_id(article, post_comment):
    post_comment(article, comment="Mine alone")
    comment = Comment.objects.get()
    other = Client()
    url = f"{article.get_absolute_url()}?comment={comment.pk}&replyto={comment.pk}"
    assert "Mine alone" not in other.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comment", "", "Please enter your comment!"),
        ("comment", "   \n ", "Please enter your comment!"),
        ("name", "", "Please enter your name here"),
        ("email", "", "You have entered an incorrect email address!"),
        ("email", "not-an-address", "You have entered an incorrect email address!"),
        ("url", "javascript:alert(1)", "starting with http:// or https://"),
        ("url", "ftp://example.org/file", "starting with http:// or https://"),
        ("comment", "x" * 65526, "the limit is 65525"),
        ("name", "n" * 246, "at most 245 characters"),
        ("email", "a" * 95 + "@example.org", "at most 100 characters"),
        ("url", "https://example.org/" + "p" * 190, "at most 200 characters"),
        ("comment", "nul\x00byte", "Null characters are not allowed."),
        ("name", "nul\x00", "Null characters are not allowed."),
        ("name", "\u202eAda", "invisible or change the direction of the text (U+202E)"),
        ("name", "Ada\u200b", "(U+200B)"),
        ("name", "\u3164", "(U+3164)"),  # a Hangul filler: a blank-looking name
        ("url", "https://ada.example.org/\u2066", "(U+2066)"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_everything_typed(
    article, post_comment, field, value, message
):
    typed = {
        "comment": "My carefully written thoughts.",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "https://ada.example.org",
    }
    typed[field] = value
    response = post_comment(article, **typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Your comment was not posted yet." in html
    summary = html.split("data-error-summary")[1].split("</ul>")[0]
    messages = re.findall(r"<li>(.*?)</li>", summary, re.DOTALL)
    assert len(messages) == len(set(messages)) == 1, messages  # each problem said once
    for key, kept in typed.items():
        if key != field and kept:
            assert kept in html, key
    assert not Comment.objects.exists()


def test_invalid_utf8_gets_a_message_not_a_500(client, article):
    from tests.comments.conftest import aged_token

    body = (
        b"comment=caf%E9+au+lait&name=Ada&email=ada%40example.org&issued=" + aged_token().encode()
    )
    response = client.post(
        f"/comments/post/{article.pk}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    # Refused site-wide before the view (newsportal.middleware.Utf8TextMiddleware): browsers
    # always send UTF-8, so only scripts get this page.
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_accepted(client, article, method):
    response = getattr(client, method)(f"/comments/post/{article.pk}/")
    assert response.status_code == 405


def test_posting_to_a_missing_or_unpublished_article_is_404(client, post_comment):
    from articles.models import Article
    from tests.factories import ArticleFactory

    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert post_comment(draft).status_code == 404
    assert post_form(client, "/comments/post/999999/", {"comment": "x"}).status_code == 404


@pytest.mark.parametrize(
    "where_from",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_ORIGIN": "", "HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": ""},  # neither Origin nor Referer
    ],
)
@pytest.mark.parametrize("script", [False, True])
def test_a_cross_site_post_is_refused_with_the_text_kept(article, where_from, script):
    """A form sent from another site (or from nowhere a browser would say) gets a 403 page
    that keeps what was typed; nothing is stored."""
    browser = Client(enforce_csrf_checks=True)
    fields = {
        "comment": "Typed on another site",
        "name": "Ada",
        "email": "ada@example.org",
        "issued": aged_token(),
    }
    headers = {"X-Requested-With": "fetch"} if script else {}
    extra = {key: value for key, value in where_from.items() if value}
    response = browser.post(
        f"/comments/post/{article.pk}/",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
        **extra,
    )
    assert response.status_code == 403
    html = response.json()["html"] if script else response.content.decode()
    assert "sent from another site" in html
    assert "Typed on another site" in html
    assert not Comment.objects.exists()


def test_a_post_from_this_site_needs_no_csrf_cookie(article):
    """From the page (Origin, or only a Referer in an old browser), with Django's CSRF checks
    on: the cached page gave the reader no CSRF cookie, and none is needed."""
    for n, where_from in enumerate(
        [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/news/x/"}]
    ):
        browser = Client(enforce_csrf_checks=True)
        fields = {
            "comment": f"From this site {n}",
            "name": "Ada",
            "email": "ada@example.org",
            "issued": aged_token(),
        }
        response = browser.post(
            f"/comments/post/{article.pk}/",
            urlencode(fields),
            content_type="application/x-www-form-urlencoded",
            **where_from,
        )
        assert response.status_code == 302, where_from
    assert Comment.objects.count() == 2


def test_saved_details_prefill_the_form_next_time(client, article, post_comment):
    post_comment(article, save_details="on", name="Ada Reader", url="https://ada.example.org")
    html = client.get(article.get_absolute_url()).content.decode()
    form = html.split('id="comment-form"')[1]
    assert 'value="Ada Reader"' in form
    assert 'value="ada@example.org"' in form
    assert 'value="https://ada.example.org"' in form


def test_details_are_not_kept_without_consent(client, article, post_comment):
    post_comment(article, name="Ada Reader")
    form = client.get(article.get_absolute_url()).content.decode().split('id="comment-form"')[1]
    assert 'value="Ada Reader"' not in form


def test_javascript_post_returns_the_pending_comment_to_insert(article, post_comment, client):
    response = post_comment(article, comment="Via fetch", headers={"X-Requested-With": "fetch"})
    payload = response.json()
    assert payload["ok"] is True
    assert "Via fetch" in payload["html"]
    assert "Your comment is awaiting moderation." in payload["html"]
    # Its address, followed by its author, leads to the page that shows it, at the comment.
    comment = Comment.objects.get(body="Via fetch")
    page = client.get(payload["url"], follow=True)
    assert page.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert "Via fetch" in page.content.decode()


def test_javascript_post_with_errors_returns_the_form_with_the_text(article, post_comment):
    response = post_comment(
        article, comment="Keep me", name="", headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["ok"] is False
    assert "Keep me" in payload["html"]
    assert "Please enter your name here" in payload["html"]


def test_a_failed_csrf_check_elsewhere_explains_and_points_back(admin_user):
    """Forms that keep Django's CSRF check (the admin's) still get our friendly page."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/admin/login/", {"username": "admin", "password": "password"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_an_oversized_post_is_a_400_with_a_message(client, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_form(client, f"/comments/post/{article.pk}/", {"comment": "x" * 5000})
    assert response.status_code == 400
    assert "your text is still in the form" in response.content.decode()


def _readable_forms(value: str) -> list[str]:
    """A cookie's value as an attacker with the cookie jar could read it."""
    import base64
    import binascii
    import contextlib
    import zlib
    from urllib.parse import unquote

    forms = [value, unquote(value)]
    for part in re.split(r"[:.]", unquote(value)):
        padded = part + "=" * (-len(part) % 4)
        try:
            decoded = base64.urlsafe_b64decode(padded)
        except (binascii.Error, ValueError):
            continue
        forms.append(decoded.decode("latin-1"))
        with contextlib.suppress(zlib.error):
            forms.append(zlib.decompress(decoded).decode("latin-1"))
    return forms


def test_saved_details_never_travel_in_a_readable_cookie(client, article, post_comment):
    """The remember-me details stay on the server: no cookie holds the e-mail or name in any
    decoding, and the session they live in lasts two weeks, not a year."""
    response = post_comment(
        article, save_details="on", name="Secret Sam", email="sam.secret@example.org"
    )
    page = client.get(article.get_absolute_url())
    for cookie in [*response.cookies.values(), *page.cookies.values()]:
        for readable in _readable_forms(cookie.value):
            assert "sam.secret" not in readable, cookie.key
            assert "Secret Sam" not in readable, cookie.key
    session = response.cookies["sessionid"]  # where the details live: two weeks at most
    assert 0 < int(session["max-age"]) <= 14 * 24 * 60 * 60
    form = page.content.decode().split('id="comment-form"')[1]
    assert 'value="sam.secret@example.org"' in form
    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert "sam.secret@example.org" not in stranger


def test_the_old_readable_cookie_is_removed(client, article, post_comment):
    client.cookies["comment_author"] = "eyJuYW1lIjoiU2FtIn0:old:signature"
    response = post_comment(article, save_details="on")
    assert response.cookies["comment_author"].value == ""
    assert response.cookies["comment_author"]["max-age"] == 0


def test_unticking_save_forgets_the_details(client, article, post_comment):
    post_comment(article, comment="First", save_details="on", name="Ada Reader")
    post_comment(article, comment="Second", name="Ada Reader")
    form = client.get(article.get_absolute_url()).content.decode().split('id="comment-form"')[1]
    assert 'value="Ada Reader"' not in form


def test_the_service_refuses_hidden_characters_too(article):
    """Not just the form: any way in (an import, a script) refuses a disguised name."""
    from django.core.exceptions import ValidationError

    from comments.services import comment_submit

    with pytest.raises(ValidationError, match="U\\+202E"):
        comment_submit(article=article, name="\u202eAda", email="ada@example.org", body="Hi")
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_post_is_one_write_the_authors_session_included(client, post_comment):
    """The comment, its token and the author's session (their claim to the comment, their
    details) are written in one transaction: on SQLite, one wait for the write lock."""
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        post_comment(article, comment="Written once.", name="Ada Reader", save_details="on")
    statements = [query["sql"] for query in queries.captured_queries]
    session_writes = [
        sql for sql in statements if re.match(r'(INSERT|UPDATE) .*"django_session"', sql)
    ]
    assert len(session_writes) == 1, session_writes
    if connection.vendor == "sqlite":  # its transactions are statements the capture sees
        assert sum(sql.startswith("BEGIN") for sql in statements) == 1, statements
    # The browser holds that session: its author sees the comment and their details.
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Written once." in page and "Your comment is awaiting moderation." in page
    assert 'value="Ada Reader"' in page


@pytest.mark.django_db(transaction=True)
def test_a_posts_write_transaction_holds_only_writes(client, post_comment):
    """What the moderation policy reads (the moderators' rules, the spam filter, the
    commenter's history, the newsroom's names) is read before the post's write transaction,
    which every other post waits for on SQLite; in it, only the writes and the reads they
    need (the reader's pace), and one savepoint, which a refused comment rolls back."""
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        post_comment(article, comment="Read first, then written.")
    statements = [query["sql"] for query in queries.captured_queries]
    assert Comment.objects.get().body == "Read first, then written."
    # The transaction's first statement reads the reader's pace, locking its row.
    begins = next(i for i, sql in enumerate(statements) if '"comments_throttlestate"' in sql)
    inside = " ".join(statements[begins:])
    # The rules and the newsroom's names may be kept from an earlier post (process_copies).
    for read in ('"comments_moderationrule"', '"comments_spamsignal"', '"auth_user"', "LOWER("):
        assert read not in inside, read
    for read in ('"comments_spamsignal"', "LOWER("):
        assert read in " ".join(statements[:begins]), read
    # No look for a free session key, nor for a spent token: the inserts find out.
    assert not any(sql.startswith("SELECT 1") and "django_session" in sql for sql in statements)
    assert not any('"comments_spentformtoken"' in sql for sql in statements[:begins])
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1


@pytest.mark.django_db(transaction=True)
def test_the_rules_and_the_newsrooms_names_are_read_once_and_again_when_they_change(
    client, post_comment, django_user_model
):
    """Every post is checked against the moderators' rules and the staff's names, kept in the
    worker between posts: a new rule, or a new member of staff, counts from the next post."""
    from comments.models import ModerationRule

    article = ArticleFactory()
    post_comment(article, comment="The first comment of the day.")
    with CaptureQueriesContext(connection) as queries:
        post_comment(article, comment="A second, with nothing new to read.")
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"comments_moderationrule"' not in read and '"auth_user"' not in read

    ModerationRule.objects.create(kind="blocked_word", value="casino")
    post_comment(article, comment="Visit my casino today")
    assert Comment.objects.get(body="Visit my casino today").status == Comment.Status.SPAM

    django_user_model.objects.create_user(
        "jeditor", first_name="Jane", last_name="Editor", is_staff=True
    )
    post_comment(article, comment="Trust me.", name="Jane Editor", email="fake@example.org")
    held = Comment.objects.get(body="Trust me.")
    assert held.held_reason == HoldReason.IMPERSONATION

    ModerationRule.objects.all().delete()
    post_comment(article, comment="The casino by the harbour closed.")
    assert Comment.objects.get(body__startswith="The casino").status == Comment.Status.PENDING
