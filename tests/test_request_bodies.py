"""Public pages read only what a page of ours sends: a small URL-encoded form. Anything else is
refused before a byte of it is read (the CSRF check would otherwise parse it, any size)."""

import io

import pytest
from django.test import RequestFactory
from django.test.client import ClientHandler

from comments.models import Comment
from tests.comments.conftest import aged_token, post_form
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEN_MEGABYTES = 10 * 1024 * 1024
CSRF_COOKIE = "csrftoken=" + "a" * 32  # any well-formed token makes Django read request.POST


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that records how much of it the server read."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.read_bytes = head, size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        remaining = self.size - self.read_bytes
        count = min(len(buffer), remaining)
        chunk = (self.head[self.read_bytes :] + b"x" * count)[:count]
        buffer[:count] = chunk
        self.read_bytes += count
        return count


def serve(path: str, content_type: str, size: int, head: bytes = b"") -> tuple[int, int]:
    """POST a body of `size` bytes to `path` through the whole stack: (status, bytes read)."""
    environ = RequestFactory().generic("POST", path, content_type=content_type).environ
    stream = CountingStream(head, size)
    environ.update(
        {
            "wsgi.input": stream,
            "CONTENT_LENGTH": str(size),
            "CONTENT_TYPE": content_type,
            "HTTP_COOKIE": CSRF_COOKIE,
            "HTTP_X_CSRFTOKEN": "a" * 32,
        }
    )
    # The test client's handler, with the CSRF check on as in production.
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    return response.status_code, stream.read_bytes


MULTIPART = "multipart/form-data; boundary=----attacker"
FILE_PART = (
    b'------attacker\r\nContent-Disposition: form-data; name="upload"; filename="x.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
)


def test_a_ten_megabyte_file_part_to_the_comment_endpoint_is_refused_unread():
    """The defect as found: a 10 MB multipart file part was read in full."""
    article = ArticleFactory()
    status, read = serve(f"/comments/post/{article.pk}/", MULTIPART, TEN_MEGABYTES, FILE_PART)
    assert status == 400
    assert read == 0


def public_paths():
    article = ArticleFactory()
    return [
        "/",
        article.get_absolute_url(),
        f"/comments/post/{article.pk}/",
        article.section.get_absolute_url(),
        "/search/?q=harbour",
        "/feeds/rss/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/no-such-page/",
    ]


@pytest.mark.parametrize(
    ("content_type", "size"),
    [
        (MULTIPART, TEN_MEGABYTES),
        ("application/json", 2 * 1024 * 1024),
        ("text/plain", 2 * 1024 * 1024),
        ("application/octet-stream", TEN_MEGABYTES),
        ("application/x-www-form-urlencoded", TEN_MEGABYTES),  # a form, but far too big
        ("application/x-www-form-urlencoded; charset=utf-8", 2 * 1024 * 1024),
    ],
)
def test_no_public_page_reads_a_body_no_page_of_ours_sends(content_type, size):
    """Every public URL refuses, unread, bodies of other kinds and forms over the cap."""
    wrong = []
    for path in public_paths():
        status, read = serve(path, content_type, size)
        if status != 400 or read:
            wrong.append(f"{path}: {status}, read {read} bytes")
    assert wrong == []


def test_the_biggest_comment_a_browser_can_send_still_gets_through(client):
    """The cap leaves room for the longest comment, in three-byte characters, URL-encoded."""
    article = ArticleFactory()
    response = post_form(
        client,
        f"/comments/post/{article.pk}/",
        {
            "comment": "語" * 65525,
            "name": "名" * 245,
            "email": "ada@example.org",
            "url": "https://example.org/" + "p" * 180,
            "issued": aged_token(),
        },
    )
    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 65525


def test_the_admin_still_takes_multipart_uploads(admin_client):
    """Editors upload images: the admin is outside the public rule (and needs a login)."""
    response = admin_client.post("/admin/articles/tag/add/", {"name": "Harbours", "slug": "h"})
    assert response.status_code == 302
