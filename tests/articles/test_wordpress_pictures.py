"""A WordPress site's pictures (#10): read from its uploads folder, never fetched; the featured
image kept; addresses in bodies, WordPress's resized copies too, pointed at the renditions."""

import io

import pytest

from articles.models import Article, Image
from newsportal.wordpress_import import import_export
from tests.articles.wordpress_exports import Post, export
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db
OLD = "https://old.example.com/wp-content/uploads"


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2024" / "03").mkdir(parents=True)
    (folder / "2019" / "01").mkdir(parents=True)
    (folder / "2024" / "03" / "barrier.jpg").write_bytes(jpeg_bytes(1200, 800, "#225588"))
    # The same name in another month is another picture.
    (folder / "2019" / "01" / "barrier.jpg").write_bytes(jpeg_bytes(400, 300, "#aa3322"))
    (folder / "2024" / "03" / "minutes.jpg").write_bytes(b"%PDF-1.4 not a picture at all")
    return folder


def attachment(post_id, path, title="", alt="", caption="", parent=0) -> str:
    return Post(
        post_id,
        title,
        post_type="attachment",
        status="inherit",
        excerpt=caption,
        parent=parent,
        attachment_url=f"{OLD}/{path}",
        meta=[("_wp_attachment_image_alt", alt)] if alt else [],
    ).xml()


def site_export() -> bytes:
    body = (
        f'<p><img src="{OLD}/2024/03/barrier-640x427.jpg" alt="The barrier" '
        'width="640" height="427" class="wp-image-21" /></p>\n'
        f'<p><a href="{OLD}/2024/03/barrier.jpg">Full size</a> and '
        f'<img src="{OLD}/2019/01/barrier.jpg" alt="Older"></p>\n\n'
        '[gallery ids="21,22"]'
    )
    post = Post(10, "Barrier holds", slug="barrier-holds", content=body)
    post.meta = [("_thumbnail_id", "21")]
    return export(
        # The post comes before its pictures, as it does when they were uploaded after it.
        post.xml(),
        attachment(21, "2024/03/barrier.jpg", "barrier", alt="The barrier at dawn",
                   caption="The barrier at dawn, before the tide", parent=10),
        attachment(22, "2019/01/barrier.jpg", "old barrier", alt="The old barrier"),
        attachment(23, "2024/03/minutes.jpg", "minutes"),
        attachment(24, "2024/03/missing.jpg", "missing"),
        attachment(25, "../../../etc/secret.jpg", "escape"),
    )  # fmt: skip


def test_pictures_are_read_from_the_uploads_folder_with_their_words(uploads):
    report = import_export(io.BytesIO(site_export()), uploads=uploads)
    new = Image.objects.get(alt_text="The barrier at dawn")
    old = Image.objects.get(alt_text="The old barrier")
    assert new.caption == "The barrier at dawn, before the tide"
    assert (new.width, old.width) == (1200, 400)
    assert Image.objects.count() == 2
    skipped = {which: why for what, which, why in report.skipped if what == "attachment"}
    assert skipped["#23 “minutes”"].startswith("This file is not an image a browser can show.")
    assert skipped["#24 “missing”"] == "2024/03/missing.jpg is not in the uploads folder"
    assert "is not in the uploads folder" in skipped["#25 “escape”"]


def test_the_featured_image_and_the_addresses_in_the_body_lead_to_the_new_pictures(uploads):
    import_export(io.BytesIO(site_export()), uploads=uploads)
    article = Article.objects.get(slug="barrier-holds")
    new = Image.objects.get(alt_text="The barrier at dawn")
    old = Image.objects.get(alt_text="The old barrier")
    assert article.featured_image == new
    assert "wp-content" not in article.body
    assert f'src="{new.url_for_width(640)}"' in article.body  # the 640-wide copy's nearest
    assert f'href="{new.largest_url}"' in article.body
    assert f'src="{old.largest_url}"' in article.body
    # The gallery's pictures, as figures.
    assert f'<img src="{new.largest_url}" alt="The barrier at dawn">' in article.body
    assert "<figcaption>The barrier at dawn, before the tide</figcaption>" in article.body


def test_the_old_picture_addresses_redirect_and_a_second_run_adds_nothing(client, uploads):
    import_export(io.BytesIO(site_export()), uploads=uploads)
    new = Image.objects.get(alt_text="The barrier at dawn")
    response = client.get("/wp-content/uploads/2024/03/barrier.jpg")
    assert (response.status_code, response["Location"]) == (301, new.largest_url)
    body = Article.objects.get().body
    again = import_export(io.BytesIO(site_export()), uploads=uploads)
    assert Image.objects.count() == 2
    assert Article.objects.get().body == body
    assert again.unchanged["articles"] == 1 and again.unchanged["images"] == 2


def test_without_an_uploads_folder_pictures_are_reported_not_fetched():
    report = import_export(io.BytesIO(site_export()))
    assert not Image.objects.exists()
    reasons = {why for what, _, why in report.skipped if what == "attachment"}
    assert reasons == {"no --uploads folder was given"}
    assert "featured image #21 was not imported" in "\n".join(report.lines())


def test_pictures_served_from_elsewhere_are_found_by_wordpress_record_of_their_file(uploads):
    """Media offloaded to a CDN: the address says nothing of the folder; `_wp_attached_file`
    does. The credit WordPress read from the file's IPTC data comes along."""
    cdn = "https://cdn.example.net/media/2024/03/barrier.jpg"
    metadata = 'a:2:{s:5:"width";i:1200;s:10:"image_meta";a:1:{s:6:"credit";s:9:"Ana Photo";}}'
    picture = Post(
        21,
        "barrier",
        post_type="attachment",
        status="inherit",
        attachment_url=cdn,
        meta=[("_wp_attached_file", "2024/03/barrier.jpg"), ("_wp_attachment_metadata", metadata)],
    )
    unknown = Post(22, "nowhere", post_type="attachment", status="inherit", attachment_url=cdn)
    body = (
        f'<p><img src="{cdn}" alt="The barrier"></p>'
        '<p><img src="https://cdn.example.net/media/2024/03/barrier-640x427.jpg" alt="Smaller"></p>'
    )
    post = Post(10, "Barrier holds", slug="barrier-holds", content=body)
    report = import_export(
        io.BytesIO(export(post.xml(), picture.xml(), unknown.xml())), uploads=uploads
    )

    image = Image.objects.get()
    assert (image.width, image.credit) == (1200, "Ana Photo")
    body = Article.objects.get().body
    assert f'src="{image.largest_url}" alt="The barrier"' in body
    assert f'src="{image.url_for_width(640)}" alt="Smaller"' in body
    assert "cdn.example.net" not in body
    skipped = {which: why for what, which, why in report.skipped if what == "attachment"}
    assert skipped == {"#22 “nowhere”": "its place in the uploads folder is not known"}
