import io
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Image
from tests.articles.crafted_pictures import (
    CONTENT_TYPES,
    EXTENSIONS,
    FORMATS,
    MARKER,
    declaring,
    picture_bytes,
)
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def _post(client, content, name):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(
        "/admin/articles/image/add/",
        {"file": upload, "alt_text": "A harbour at dusk", "caption": "Dusk", "credit": "Staff"},
    )


def test_uploading_a_non_image_shows_a_clear_message_and_keeps_the_words(editor_client):
    response = _post(editor_client, b"this is not a picture at all", "notes.jpg")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Upload a valid image" in html or "not an image" in html
    assert 'value="A harbour at dusk"' in html
    assert not Image.objects.exists()


def test_uploading_a_decompression_bomb_is_refused(editor_client):
    buffer = io.BytesIO()
    PILImage.new("1", (12_000, 12_000)).save(buffer, "PNG")
    response = _post(editor_client, buffer.getvalue(), "huge.png")
    html = response.content.decode()
    assert response.status_code == 200
    assert "megapixels" in html
    assert not Image.objects.exists()


def test_uploading_an_image_makes_renditions(editor_client):
    response = _post(editor_client, jpeg_bytes(1000, 500), "harbour.jpg")
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 500)
    assert {r["format"] for r in image.renditions} == {"webp", "jpg"}


# Issue #7 ----------------------------------------------------------------------------------------

WORDS = 'value="A harbour at dusk"'


def _served(client, name: str) -> tuple[str, bytes]:
    """The Content-Type and bytes the site serves for a stored file."""
    response = client.get(default_storage.url(name))
    assert response.status_code == 200, name
    content = b"".join(response.streaming_content)
    response.close()
    return response["Content-Type"], content


@pytest.mark.parametrize("image_format", FORMATS)
@pytest.mark.parametrize("name", ["harbour.pdf", "harbour.html", "harbour.svg", "harbour", None])
def test_a_picture_is_stored_and_served_as_what_it_is_whatever_its_name(
    editor_client, image_format, name
):
    """A GIF called .pdf (or .html, .svg, nothing) is kept and served as a GIF, and so on."""
    extension = EXTENSIONS[image_format]
    name = name or f"harbour.{extension}"
    response = _post(editor_client, picture_bytes(image_format, 1000, 500), name)
    assert response.status_code == 302
    image = Image.objects.get()
    assert PurePosixPath(image.file.name).suffix == f".{extension}"
    for stored in [image.file.name] + [r["name"] for r in image.renditions]:
        content_type, content = _served(editor_client, stored)
        with PILImage.open(io.BytesIO(content)) as served:
            detected = served.format
        assert PurePosixPath(stored).suffix == f".{EXTENSIONS[detected]}"
        assert content_type == CONTENT_TYPES[detected], stored
    _, original = _served(editor_client, image.file.name)
    assert PILImage.open(io.BytesIO(original)).format == image_format


def test_a_jpeg_comment_is_in_no_file_the_site_serves(editor_client):
    """GPS coordinates typed into a JPEG's comment are in nothing a reader can download."""
    response = _post(editor_client, picture_bytes("JPEG", 1400, 800, comment=MARKER), "gps.jpg")
    assert response.status_code == 302
    image = Image.objects.get()
    names = [image.file.name] + [r["name"] for r in image.renditions]
    assert len(names) > 2
    for stored in names:
        assert MARKER not in _served(editor_client, stored)[1], stored


def test_the_6300_pixel_png_of_issue_7_is_refused_with_a_clear_message(editor_client):
    """The one-colour 6300×6300 PNG (116 KB, 5.8 s and 370 MB to save) is refused, words kept."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (6300, 6300), "#3366cc").save(buffer, "PNG")
    assert buffer.tell() < 200_000
    response = _post(editor_client, buffer.getvalue(), "flat.png")
    html = response.content.decode()
    assert response.status_code == 200
    assert "6300×6300 pixels (40 megapixels); the limit for PNG images is 25 megapixels" in html
    assert WORDS in html and "Dusk" in html
    assert not Image.objects.exists()


@pytest.mark.parametrize("image_format", FORMATS)
@pytest.mark.parametrize(
    ("side", "message"),
    [(8000, "8000×8000 pixels (64 megapixels)"), (16384, "too many pixels to process safely")],
)
def test_a_file_declaring_a_huge_size_is_refused_on_the_form(
    editor_client, image_format, side, message
):
    """A small file claiming a huge size gets a message and keeps the words, never a 500."""
    response = _post(editor_client, declaring(image_format, side, side), "bomb")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert WORDS in html
    assert not Image.objects.exists()


def test_an_animation_over_the_limits_is_refused_on_the_form(editor_client):
    """A 1000-frame GIF gets a message and keeps the words."""
    response = _post(editor_client, picture_bytes("GIF", 16, 16, frames=1000), "long.gif")
    html = response.content.decode()
    assert response.status_code == 200
    assert "more than 300 frames" in html
    assert WORDS in html
    assert not Image.objects.exists()
