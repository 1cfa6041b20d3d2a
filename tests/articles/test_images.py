import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, ImageCms
from PIL import Image as PILImage

from articles import conf
from articles.conf import setting
from articles.images import validate_image_file
from articles.models import Image
from tests.articles.crafted_pictures import (
    CARRIERS,
    EXTENSIONS,
    FORMATS,
    MARKER,
    carries_marker,
    declaring,
    gif_with_a_frame_larger_than_its_screen,
    picture,
    picture_bytes,
)
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


def test_a_file_over_the_size_limit_gets_a_clear_message(settings):
    settings.ARTICLES_IMAGE_MAX_BYTES = 10_000
    with pytest.raises(ValidationError, match=r"This file is .*; images may be at most 9\.8"):
        validate_image_file(_upload(jpeg_bytes(1600, 1600, colour="#123456") + b"\0" * 20_000))


# Issue #7: metadata ------------------------------------------------------------------------------


def _saved(content: bytes, name: str) -> Image:
    """An image saved as the admin saves it: checked (full_clean), then saved."""
    image = Image(file=ContentFile(content, name=name), alt_text="A picture")
    image.full_clean()
    image.save()
    return image


def _stored_files(image: Image) -> dict[str, bytes]:
    """Every file kept for `image`: the original and each rendition."""
    stored = {}
    for name in [image.file.name] + [rendition["name"] for rendition in image.renditions]:
        with default_storage.open(name) as file:
            stored[name] = file.read()
    return stored


def test_a_jpeg_comment_reaches_no_stored_file():
    """Words typed into a JPEG's comment (here GPS coordinates) are in no file we keep."""
    upload = jpeg_bytes(1500, 1000)
    upload = upload[:2] + b"\xff\xfe" + (len(MARKER) + 2).to_bytes(2, "big") + MARKER + upload[2:]
    assert MARKER in upload
    image = ImageFactory(file=ContentFile(upload, name="harbour.jpg"))
    stored = _stored_files(image)
    assert len(stored) == 1 + len(image.renditions) > 2
    for name, content in stored.items():
        assert MARKER not in content, name


@pytest.mark.parametrize(("image_format", "carrier"), list(CARRIERS))
def test_no_metadata_of_any_format_reaches_a_stored_byte(image_format, carrier):
    """Whatever an accepted format can carry besides pixels is in no file we keep."""
    upload = CARRIERS[image_format, carrier]()
    assert carries_marker(upload)  # the upload really carries it where a reader looks
    image = _saved(upload, f"upload.{EXTENSIONS[image_format]}")
    stored = _stored_files(image)
    assert len(stored) > 2
    for name, content in stored.items():
        assert not carries_marker(content), name
    with PILImage.open(io.BytesIO(stored[image.file.name])) as original:
        assert original.format == image_format


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied_to_the_pixels(image_format):
    """A portrait photo stored sideways with an EXIF orientation is kept upright."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to view
    landscape = picture(600, 400)
    buffer = io.BytesIO()
    landscape.save(buffer, image_format, exif=exif)
    image = _saved(buffer.getvalue(), "portrait")
    assert (image.width, image.height) == (400, 600)
    with default_storage.open(image.file.name) as stored, PILImage.open(stored) as original:
        assert original.size == (400, 600)
        assert not original.getexif()
        # The moving bar (left edge of the landscape) is now along the top.
        assert original.getpixel((200, 3))[:3] == pytest.approx((255, 204, 0), abs=40)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_picture_with_a_colour_profile_keeps_its_colours_without_it(image_format):
    """The profile is applied to the pixels (here sRGB, so they stay) and not stored."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), (51, 102, 153)).save(
        buffer,
        image_format,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    image = _saved(buffer.getvalue(), "tagged")
    for name, content in _stored_files(image).items():
        with PILImage.open(io.BytesIO(content)) as stored:
            assert "icc_profile" not in stored.info, name
            assert stored.convert("RGB").getpixel((10, 10)) == pytest.approx((51, 102, 153), abs=3)


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_keeps_its_frames_and_timing_in_every_file(image_format):
    """An animated GIF, WebP or PNG stays animated, frame for frame, at its own pace."""
    durations = [40, 80, 120, 160, 200, 240]
    upload = picture_bytes(image_format, 700, 300, frames=6, duration=durations)
    image = _saved(upload, "animation.bin")
    # Animated WebP at each width; a GIF's or PNG's fallback is the original itself.
    webp = [r for r in image.renditions if r["format"] == "webp"]
    assert [r["width"] for r in webp] == [320, 640, 700]
    fallback = [r for r in image.renditions if r["format"] != "webp"]
    if image_format == "WEBP":
        assert fallback == []
    else:
        assert [(r["format"], r["name"]) for r in fallback] == [
            (EXTENSIONS[image_format], image.file.name)
        ]
    for name, content in _stored_files(image).items():
        assert _frame_durations(content) == durations, name


def _frame_durations(content: bytes) -> list[int]:
    with PILImage.open(io.BytesIO(content)) as animation:
        durations = []
        for number in range(animation.n_frames):
            animation.seek(number)
            animation.load()
            durations.append(round(animation.info["duration"]))
    return durations


# Issue #7: expensive images ----------------------------------------------------------------------


@pytest.mark.parametrize("image_format", FORMATS)
def test_a_small_file_declaring_too_many_pixels_is_refused_with_the_numbers(image_format):
    """A few bytes claiming 8000×8000 pixels are refused before decoding, saying why."""
    upload = declaring(image_format, 8000, 8000)
    assert len(upload) < 2000
    with pytest.raises(ValidationError, match=r"8000×8000 pixels \(64 megapixels\); the limit"):
        validate_image_file(_upload(upload, "bomb"))


@pytest.mark.parametrize("image_format", FORMATS)
def test_a_file_declaring_more_pixels_than_pillow_allows_is_refused(image_format):
    """A header beyond even Pillow's own limit gets a message, not an error page."""
    with pytest.raises(ValidationError, match="too many pixels to process safely"):
        validate_image_file(_upload(declaring(image_format, 16384, 16384), "bomb"))


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_cannot_exceed_the_pixel_limit_in_all(image_format, settings):
    """Frames small enough one by one are refused once together they pass the limit."""
    settings.ARTICLES_IMAGE_MAX_ANIMATION_PIXELS = 4_000_000  # quicker than 12 MP
    upload = picture_bytes(image_format, 1000, 1000, frames=5)
    validate_image_file(_upload(upload, "long"))  # each frame is within the limit
    with pytest.raises(ValidationError, match=r"more than 4 megapixels, the limit for a whole"):
        _saved(upload, "long")
    assert not Image.objects.exists()


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_of_a_thousand_tiny_frames_is_refused(image_format):
    """1000 frames of a few pixels each are refused: every frame costs work in every file."""
    upload = picture_bytes(image_format, 16, 16, frames=1000)
    with pytest.raises(ValidationError, match=r"more than 300 frames"):
        _saved(upload, "long")


def test_a_gif_frame_larger_than_its_picture_counts_against_the_limit():
    """A GIF whose second frame claims 6000×6000 inside a 16×16 picture is refused."""
    with pytest.raises(ValidationError, match=r"megapixels, the limit for a whole animation"):
        _saved(gif_with_a_frame_larger_than_its_screen(6000), "grows.gif")


@pytest.mark.parametrize("image_format", FORMATS)
def test_the_stored_original_is_no_wider_than_the_site_uses(image_format):
    """A 3000-pixel-wide upload is kept 2560 wide: renditions never need more."""
    image = _saved(picture_bytes(image_format, 3000, 1500), "wide")
    assert (image.width, image.height) == (setting("ARTICLES_IMAGE_MASTER_MAX_WIDTH"), 1280)
    with default_storage.open(image.file.name) as stored, PILImage.open(stored) as original:
        assert original.size == (2560, 1280)


def test_a_big_jpeg_is_accepted_where_a_png_as_big_is_not(settings):
    """JPEGs decode at reduced scale, so a press camera's JPEG passes where a PNG cannot."""
    settings.ARTICLES_IMAGE_MAX_PIXELS = 1_000_000
    settings.ARTICLES_IMAGE_MAX_JPEG_PIXELS = 4_000_000
    settings.ARTICLES_IMAGE_MASTER_MAX_WIDTH = 1000
    image = _saved(picture_bytes("JPEG", 2400, 1600), "camera.jpg")
    assert (image.width, image.height) == (1000, 667)
    with pytest.raises(ValidationError, match=r"the limit for PNG images is 1 megapixels"):
        _saved(picture_bytes("PNG", 2400, 1600), "camera.png")


def test_a_tall_jpeg_is_decoded_at_half_size_rather_than_in_full(settings):
    """A JPEG too tall to decode in full within the limit is kept at half its size."""
    settings.ARTICLES_IMAGE_MAX_PIXELS = 1_000_000
    settings.ARTICLES_IMAGE_MAX_JPEG_PIXELS = 4_000_000
    image = _saved(picture_bytes("JPEG", 800, 3000), "infographic.jpg")
    assert (image.width, image.height) == (400, 1500)


@pytest.mark.parametrize("image_format", FORMATS)
def test_a_picture_damaged_after_its_header_gets_a_message(image_format):
    """A picture whose data breaks off is refused on the form, with a message, not in save."""
    complete = picture_bytes(image_format, 900, 600)
    image = Image(file=ContentFile(complete[: len(complete) * 2 // 3], name="cut"), alt_text="A")
    with pytest.raises(ValidationError, match="damaged or truncated") as refused:
        image.full_clean()
    assert list(refused.value.message_dict) == ["file"]


def test_an_article_with_an_animated_gif_shows_webp_and_falls_back_to_the_gif(client):
    """Readers get animated WebP renditions, and the GIF itself where WebP is not shown."""
    image = _saved(picture_bytes("GIF", 700, 300, frames=4), "loop.gif")
    article = ArticleFactory(featured_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/renditions/' in html
    assert f'<img src="{image.file.url}" srcset="{image.file.url} 700w"' in html
    assert 'width="700" height="300"' in html


def _stored_as_before_7(content: bytes, name: str) -> Image:
    """An image row as the site kept it before #7: the upload's bytes under the upload's name."""
    stored_name = default_storage.save(f"images/legacy/{name}", ContentFile(content))
    image = Image(alt_text="An old picture", width=800, height=450)
    image.file.name = stored_name
    image.rendered_name = stored_name
    image.renditions = [{"width": 800, "height": 450, "format": "jpg", "name": stored_name}]
    Image.objects.bulk_create([image])  # no save(): nothing re-encoded, as then
    return Image.objects.get(alt_text="An old picture")


@pytest.mark.parametrize(("image_format", "carrier"), list(CARRIERS))
def test_reencode_images_cleans_pictures_stored_before_uploads_were_reencoded(
    image_format, carrier
):
    """`manage.py reencode_images`: old files lose their metadata and lying names, and the old
    bytes are deleted."""
    from django.core.management import call_command

    upload = CARRIERS[image_format, carrier]()
    image = _stored_as_before_7(upload, "old-upload.pdf")
    old_name = image.file.name
    assert MARKER in default_storage.open(old_name).read() or carries_marker(upload)
    call_command("reencode_images", stdout=io.StringIO())
    image.refresh_from_db()
    assert image.file.name.endswith(f".{EXTENSIONS[image_format]}")
    assert not default_storage.exists(old_name)
    stored = _stored_files(image)
    assert len(stored) > 2
    for name, content in stored.items():
        assert not carries_marker(content), name


def test_reencode_images_leaves_what_todays_limits_refuse_and_says_so():
    from django.core.management import call_command

    image = _stored_as_before_7(declaring("PNG", 8000, 8000), "huge.png")
    output = io.StringIO()
    call_command("reencode_images", stdout=output)
    assert f"Left image {image.pk}" in output.getvalue()
    image.refresh_from_db()
    assert default_storage.exists(image.file.name)
