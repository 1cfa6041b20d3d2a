"""A WordPress site moved over (#10), seen in a real browser: a reader following an old
permalink lands on the article, with its picture and its comments."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.articles.wordpress_exports import Comment, Post, export
from tests.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OLD = "https://old.example.com"


@pytest.fixture
def moved_site(live_server, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2024" / "03").mkdir(parents=True)
    (uploads / "2024" / "03" / "barrier.jpg").write_bytes(jpeg_bytes(1200, 800, "#2a6f97"))
    body = (
        "The flood barrier held overnight as the highest tide of the year arrived.\n\n"
        f'[caption id="attachment_21" width="640"]<img src="{OLD}/wp-content/uploads/2024/03/'
        'barrier-640x427.jpg" alt="The barrier at dawn" width="640" height="427" /> The barrier '
        "at dawn[/caption]\n\nEngineers will inspect the pumps this week."
    )
    post = Post(
        10,
        "Barrier holds against record tide",
        slug="barrier-holds",
        link=f"{OLD}/2024/03/01/barrier-holds/",
        content=body,
        excerpt="The new wall took the year's highest tide.",
        comments=[
            Comment(32, "Agreed, a relief for the harbour.", author="Ben", parent=31),
            Comment(31, "Well done to the engineers.", author="Ada"),
            Comment(33, "Waiting for a moderator.", author="Cy", approved="0"),
        ],
    )
    post.meta = [("_thumbnail_id", "21")]
    picture = Post(
        21,
        "barrier",
        post_type="attachment",
        status="inherit",
        excerpt="The barrier at dawn",
        attachment_url=f"{OLD}/wp-content/uploads/2024/03/barrier.jpg",
        meta=[("_wp_attachment_image_alt", "The barrier at dawn")],
    )
    export_file = tmp_path / "export.xml"
    export_file.write_bytes(export(post.xml(), picture.xml()))
    call_command("import_wordpress", str(export_file), uploads=uploads, verbosity=0)
    return live_server.url


def test_an_old_permalink_lands_on_the_article_with_its_picture_and_comments(
    page, moved_site, screenshot
):
    page.goto(f"{moved_site}/2024/03/01/barrier-holds/")
    assert page.url == f"{moved_site}/news/barrier-holds/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Barrier holds against record tide")
    pictures = page.locator("main img[alt='The barrier at dawn']")
    expect(pictures.first).to_be_visible()
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
        )
    expect(page.locator("figcaption", has_text="The barrier at dawn").first).to_be_visible()
    comments = page.locator("#comments")
    expect(comments.get_by_text("Well done to the engineers.")).to_be_visible()
    expect(comments.get_by_text("Agreed, a relief for the harbour.")).to_be_visible()
    expect(comments.get_by_text("Waiting for a moderator.")).to_have_count(0)
    screenshot(page, "wordpress-moved-article")

    page.goto(f"{moved_site}/?p=10")
    assert page.url == f"{moved_site}/news/barrier-holds/"
