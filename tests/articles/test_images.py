import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles import conf
from articles.images import validate_image_file
from tests.factories import ArticleFactory, ImageFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_renditions_are_made_once_in_webp_and_the_original_format():
    image = ImageFactory(file=ContentFile(jpeg_bytes(1500, 1000), name="wide.jpg"))
    widths = {(r["width"], r["format"]) for r in image.renditions}
    expected_widths = [w for w in conf.IMAGE_RENDITION_WIDTHS if w < 1500] + [1500]
    assert widths == {(w, f) for w in expected_widths for f in ("webp", "jpg")}
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as picture:
            assert picture.format == {"webp": "WEBP", "jpg": "JPEG"}[rendition["format"]]
            assert picture.size == (rendition["width"], rendition["height"])
    before = list(image.renditions)
    image.caption = "New caption"
    image.save()
    assert image.renditions == before


def test_renditions_drop_exif_and_gps():
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    image = ImageFactory(file=ContentFile(jpeg_bytes(700, 400, exif=exif), name="gps.jpg"))
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as picture:
            assert not picture.getexif()


def test_article_page_uses_srcset_sizes_and_dimensions(client):
    article = ArticleFactory(
        featured_image=ImageFactory(file=ContentFile(jpeg_bytes(1400, 700), name="a.jpg"))
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/renditions/' in html
    assert " 320w, " in html and " 1280w" in html
    assert 'width="1400" height="700"' in html
    assert 'sizes="(min-width: 1200px) 800px' in html
    # The featured picture is the largest thing above the fold: loaded eagerly.
    assert 'loading="eager"' in html


def test_listing_images_are_lazy(client):
    ArticleFactory(is_lead=True)
    ArticleFactory.create_batch(2, featured_image=ImageFactory())
    html = client.get("/").content.decode()
    latest = html.split('id="latest-heading"')[1]
    assert 'loading="lazy"' in latest
    assert 'loading="eager"' not in latest


def _upload(content, name="upload.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_file_that_is_not_an_image_gets_a_clear_message():
    with pytest.raises(ValidationError, match="not an image"):
        validate_image_file(_upload(b"%PDF-1.7 this is a document", "report.jpg"))


def test_a_damaged_image_gets_a_clear_message():
    with pytest.raises(ValidationError, match="damaged or truncated"):
        validate_image_file(_upload(jpeg_bytes()[:200]))


def test_a_decompression_bomb_is_refused_before_decoding():
    """A small file that claims a huge pixel count is refused with the numbers."""
    buffer = io.BytesIO()
    PILImage.new("1", (12_000, 12_000)).save(buffer, "PNG")
    assert buffer.tell() < 1_000_000
    with pytest.raises(ValidationError, match=r"12000×12000 pixels \(144 megapixels\)"):
        validate_image_file(_upload(buffer.getvalue(), "bomb.png"))


def test_an_image_within_limits_passes():
    validate_image_file(_upload(jpeg_bytes(640, 480)))


def test_the_stored_original_has_no_exif_or_gps():
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    image = ImageFactory(file=ContentFile(jpeg_bytes(700, 400, exif=exif), name="gps.jpg"))
    with default_storage.open(image.file.name) as stored, PILImage.open(stored) as picture:
        assert not picture.getexif()
        assert picture.size == (700, 400)


def test_a_file_over_the_size_limit_gets_a_clear_message(monkeypatch):
    monkeypatch.setattr(conf, "IMAGE_MAX_BYTES", 10_000)
    with pytest.raises(ValidationError, match=r"This file is .*; images may be at most 9\.8"):
        validate_image_file(_upload(jpeg_bytes(1600, 1600, colour="#123456") + b"\0" * 20_000))
