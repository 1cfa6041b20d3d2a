import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


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
