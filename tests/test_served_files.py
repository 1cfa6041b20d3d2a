"""Static and uploaded files opened on their own run nothing: nosniff, a sandboxing policy, and
no `Access-Control-Allow-Origin: *` (whitenoise's default)."""

from pathlib import Path, PurePosixPath

import pytest
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from newsportal.served_files import FILE_POLICY


def one_file_of_each_type():
    """A static file of every type the site ships: ours in static/ and the installed apps'
    (the admin's, the editor's), as collectstatic would gather them."""
    chosen = {}
    for finder in get_finders():
        for path, _storage in finder.list([]):
            chosen.setdefault(PurePosixPath(path).suffix.lower(), path)
    return chosen


STATIC_FILES = one_file_of_each_type()


def assert_file_headers(response, url):
    assert response.status_code == 200, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Content-Security-Policy"] == FILE_POLICY, url
    assert "Access-Control-Allow-Origin" not in response, url


def test_the_walk_finds_the_types_we_ship():
    """The class test below really covers our CSS, scripts, images, icons and fonts."""
    assert {".css", ".js", ".png", ".svg", ".woff2", ".map"} <= set(STATIC_FILES)


@pytest.mark.parametrize("path", STATIC_FILES.values(), ids=STATIC_FILES.keys())
def test_every_static_file_type_carries_the_file_headers(client, path):
    """Through the whole middleware stack (whitenoise answers before the site's CSP)."""
    url = f"{settings.STATIC_URL}{path}"
    assert_file_headers(client.get(url), url)


@pytest.fixture
def uploaded_svg():
    """An 'image' someone uploaded that carries a script."""
    path = Path(settings.MEDIA_ROOT) / "uploads" / "served-files-probe.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    )
    yield f"{settings.MEDIA_URL}uploads/{path.name}"
    path.unlink()


@pytest.mark.django_db
def test_an_uploaded_file_carries_the_file_headers(client, uploaded_svg):
    """Served by Django's static view, so the headers are added there (the browser test
    test_error_pages_in_a_browser checks that such a file's script does not run)."""
    response = client.get(uploaded_svg)
    assert_file_headers(response, uploaded_svg)
    assert response["Content-Type"] == "image/svg+xml"
