"""Forms are read as UTF-8 only: any other charset, or bytes that are not UTF-8, get a clear 400
instead of a 500 or a comment stored as mojibake. What browsers send is read intact."""

from io import BytesIO
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib import admin
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from comments import replies
from comments.models import Comment, CommentReport, ReplySubscription
from newsportal.errors import BYTES_NOT_UTF8, CHARSET_NOT_UTF8
from tests.comments.conftest import aged_token
from tests.factories import ArticleFactory, CommentFactory, SectionFactory, superuser
from tests.test_http_methods import ROUTES

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "----newsportal-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
# Charset declarations the site refuses: another charset, a name that is not a charset, an empty
# one, one that is not a text codec at all (rot13 made Django fail with a LookupError), and
# UTF-8 contradicted by a second parameter.
REFUSED_CHARSETS = [
    "charset=ISO-2022-JP",
    "charset=UTF-16",
    "charset=UTF-7",
    "charset=latin-1",
    "charset=windows-1252",
    "charset=utf-8-sig",
    "charset=bogus",
    "charset=",
    "charset=rot13",
    "charset=utf-8; charset=iso-2022-jp",
    "charset=iso-2022-jp; charset=utf-8",
    "charset*=utf-8''ISO-2022-JP",
]
# Declarations read as UTF-8, as Django itself would (or should) read them.
UTF8_DECLARATIONS = [
    "",
    "; charset=utf-8",
    "; charset=UTF-8",
    '; charset="utf-8"',
    "; charset=utf8",
]
# Text that is not UTF-8: stray high bytes, Latin-1, a cut-off sequence, an encoded surrogate,
# an overlong encoding. Each is sent raw and percent-encoded, in a value and in a name.
NOT_UTF8 = [b"\xff\xfe", "Grüße".encode("latin-1"), b"\xe6\x97", b"\xed\xa0\x80", b"\xc0\xaf"]


def form_body(**fields) -> bytes:
    return b"&".join(name.encode() + b"=" + value for name, value in fields.items())


def invalid_bodies():
    """(label, urlencoded body) pairs that carry bytes which are not UTF-8."""
    for raw in NOT_UTF8:
        percent = quote(raw).encode()
        yield f"raw {raw!r}", form_body(comment=b"Hello " + raw, name=b"Ada")
        yield f"percent {percent!r}", form_body(comment=b"Hello " + percent, name=b"Ada")
        yield f"raw name {raw!r}", b"comm" + raw + b"ent=Hello&name=Ada"
        yield f"percent name {percent!r}", b"comm" + percent + b"ent=Hello&name=Ada"


def multipart_body(**fields) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode()
        + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def post_endpoints(client):
    """Every address that takes a POST: the public ones (from the route table of
    test_http_methods, which fails when a route is missing), the admin login, every admin add
    form and a change form. A superuser is signed in, so the admin would read the forms."""
    article = ArticleFactory()
    section = SectionFactory()
    comment = CommentFactory(article=article, status="approved")
    subscription = ReplySubscription.objects.create(comment=comment, email="a@example.org")
    site = {"article": article, "comment": comment, "subscription": subscription}
    public = [example(site) for example, allowed in ROUTES.values() if "POST" in allowed]
    assert public[:3] == [
        f"/comments/post/{article.pk}/",
        f"/comments/{comment.pk}/edit/",
        f"/comments/replies/confirm/{replies.confirm_token(subscription)}/",
    ]
    assert len(public) == 5  # and the unsubscribe and report forms
    client.force_login(superuser("chief"))
    add_forms = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        for model in admin.site._registry
    ]
    change_form = reverse("admin:articles_section_change", args=[section.pk])
    return [*public, reverse("admin:login"), *add_forms, change_form]


# Public addresses take only URL-encoded forms: a multipart body is refused, unread, before its
# charset is looked at (newsportal.request_bodies).
BODY_REFUSED = "Something sent with it was too large or malformed."


def expected_refusal(url: str, content_type: str, message: str) -> str:
    public = not url.startswith("/admin/")
    return BODY_REFUSED if public and content_type.startswith("multipart/") else message


def assert_refused(response, message, context):
    assert response.status_code == 400, context
    assert message in response.content.decode(), context


def test_a_form_in_iso_2022_jp_gets_a_clear_400(client):
    """The case of the report: a comment posted as ISO-2022-JP is told to use UTF-8."""
    article = ArticleFactory()
    body = "comment=こんにちは&name=Ada".encode("iso-2022-jp")
    response = client.generic(
        "POST", f"/comments/post/{article.pk}/", body, f"{URLENCODED}; charset=ISO-2022-JP"
    )
    assert_refused(response, CHARSET_NOT_UTF8, "ISO-2022-JP")
    assert not Comment.objects.exists()


def test_a_raw_body_that_is_not_utf8_is_refused_not_stored_as_mojibake(client):
    """One stray byte made Django read the whole body as Latin-1: 'Café' was stored 'CafÃ©'."""
    article = ArticleFactory()
    body = form_body(
        comment="Café au lait ".encode() + b"\xff",
        name=b"Ada",
        email=b"ada%40example.org",
        issued=aged_token().encode(),
    )
    response = client.generic("POST", f"/comments/post/{article.pk}/", body, URLENCODED)
    assert_refused(response, BYTES_NOT_UTF8, "raw byte")
    assert not Comment.objects.exists()


def test_every_post_endpoint_refuses_every_other_charset(client, post_endpoints):
    """Every POST address x every refused charset x form type and body: a 400 saying to use
    UTF-8, never a 5xx, and nothing stored."""
    bodies = {
        URLENCODED: [form_body(comment=b"Hello", name=b"Ada"), *dict(invalid_bodies()).values()],
        MULTIPART: [multipart_body(comment="Grüße", name="Ada")],
    }
    for url in post_endpoints:
        for charset in REFUSED_CHARSETS:
            for content_type, examples in bodies.items():
                for body in examples:
                    response = client.generic("POST", url, body, f"{content_type}; {charset}")
                    assert_refused(
                        response,
                        expected_refusal(url, content_type, CHARSET_NOT_UTF8),
                        (url, charset, content_type, body),
                    )
    assert Comment.objects.count() == 1  # the fixture's own, to report
    assert not CommentReport.objects.exists()


def test_every_post_endpoint_refuses_bytes_that_are_not_utf8(client, post_endpoints):
    """Every POST address x UTF-8 declarations x raw and percent-encoded invalid bytes: a 400
    saying the text is not UTF-8, never a 5xx, and no comment stored with U+FFFD or mojibake."""
    for url in post_endpoints:
        for declaration in UTF8_DECLARATIONS:
            for label, body in invalid_bodies():
                response = client.generic("POST", url, body, f"{URLENCODED}{declaration}")
                assert_refused(response, BYTES_NOT_UTF8, (url, declaration, label))
    assert Comment.objects.count() == 1  # the fixture's own, to report
    assert not CommentReport.objects.exists()


def through_the_server(method, path, query="", content_type="", body=b""):
    """A request handed to the site's WSGI application, as the server does: Django's test client
    builds its request itself, and a few charsets break Django while it does."""
    from newsportal.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": BytesIO(body),
    }
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    # As Django's test client does: the test's database connection must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        content = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], content.decode()


def test_any_request_declaring_another_charset_is_refused():
    """Django decodes even a GET's query string in the declared charset, and with rot13,
    base64, `undefined` or idna failed before any middleware ran: the server's own 500."""
    for charset in [*REFUSED_CHARSETS, "charset=base64", "charset=undefined", "charset=idna"]:
        for method, content_type, body in [
            ("GET", f"text/plain; {charset}", b""),
            ("POST", f"{URLENCODED}; {charset}", b"comment=Hello"),
            ("POST", f"{MULTIPART}; {charset}", multipart_body(comment="Hello")),
        ]:
            status, page = through_the_server(
                method, "/search/", "q=harbour%FF%5C", content_type, body
            )
            message = expected_refusal("/search/", content_type, CHARSET_NOT_UTF8)
            assert (status, message in page) == (400, True), (charset, method)


def test_the_server_still_serves_plain_requests():
    """The WSGI wrapper passes everything else through untouched."""
    status, page = through_the_server("GET", "/search/", "q=harbour")
    assert status == 200
    assert "harbour" in page


TEXT = "Grüße aus Köln — 東京の港 🙂 “quoted” ½"


def test_what_browsers_send_is_read_intact(client):
    """UTF-8 forms, URL-encoded with any UTF-8 declaration (as the page and its script send
    them), are stored exactly as written."""
    article = ArticleFactory()
    sent = []
    content_types = [f"{URLENCODED}{declaration}" for declaration in UTF8_DECLARATIONS]
    for number, content_type in enumerate(content_types):
        text = f"{TEXT} ({number})"
        fields = {
            "comment": text,
            "name": "Zoë Ünal",
            "email": "zoe@example.org",
            "issued": aged_token(client_address=f"192.0.2.{number + 1}"),
        }
        body = "&".join(f"{name}={quote(value)}" for name, value in fields.items()).encode()
        response = client.generic(
            "POST",
            f"/comments/post/{article.pk}/",
            body,
            content_type,
            REMOTE_ADDR=f"192.0.2.{number + 1}",
            HTTP_ORIGIN="http://testserver",
        )
        assert response.status_code == 302, (content_type, response.content[:300])
        sent.append(text)
    stored = list(Comment.objects.order_by("pk").values_list("body", "name"))
    assert stored == [(text, "Zoë Ünal") for text in sent]


def test_ascii_declared_forms_are_read_as_utf8(client):
    """us-ascii is a subset of UTF-8: such a form is read, not refused (Django refused it)."""
    article = ArticleFactory()
    body = f"comment=Plain+words&name=Ada&email=ada%40example.org&issued={aged_token()}"
    response = client.generic(
        "POST",
        f"/comments/post/{article.pk}/",
        body.encode(),
        f"{URLENCODED}; charset=us-ascii",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "Plain words"


def test_bodies_over_the_upload_limit_are_not_read(client, settings):
    """The check reads no more than Django would: an oversized body is refused unread."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    article = ArticleFactory()
    body = b"comment=" + b"a" * 2000 + b"\xff"
    response = client.generic("POST", f"/comments/post/{article.pk}/", body, URLENCODED)
    assert response.status_code == 400
    assert BYTES_NOT_UTF8 not in response.content.decode()
    assert not Comment.objects.exists()
