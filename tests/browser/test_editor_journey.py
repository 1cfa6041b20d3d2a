"""The editors' admin in a real browser: writing, previewing, scheduling, unpublishing."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from playwright.sync_api import expect

from articles.demo.loader import SEED_SLUG
from articles.models import Article, Image
from tests.browser.conftest import log_in, open_tab

pytestmark = pytest.mark.browser

CHANGE_PAGE = re.compile(r"/admin/articles/article/(\d+)/change/$")

HEADLINE = "Kestrel Bay tide gauge logs record autumn surge"
STANDFIRST = "Harbour engineers say the new flood gates held, but only just."
FIRST_PARAGRAPH_START = "The gauge at the harbour mouth read "
BOLD_WORDS = "4.92 metres above datum"
FIRST_PARAGRAPH_END = " at high water on Sunday."
SECOND_PARAGRAPH = "Engineers will inspect the gates on Monday before the next spring tide."
SECTION = "Science"
TAG = "Flooding"
IMAGE_ALT = "Waves breaking over the Kestrel Bay harbour wall at dusk"
IMAGE_CAPTION = "The harbour wall during Sunday's surge."
IMAGE_CREDIT = "Newsportal staff"
# An existing demo article, picked through the related link's autocomplete.
RELATED_HEADLINE = "Diplomats resume Sennet Strait grain corridor talks after four-month pause"
EXTERNAL_URL = "https://tides.example.org/kestrel-bay/2026-surge"
EXTERNAL_TITLE = "Tide gauge readings for Kestrel Bay"

IMAGE_LOADED_JS = "img => img.complete && img.naturalWidth > 0"
# The page's width against the window's: nothing may make the admin scroll sideways.
OVERFLOW_JS = """
() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
})
"""


# A Page fixture of its own (not a factory) so that conftest's failure hook screenshots it.
@pytest.fixture
def reader_page(browser):
    """An anonymous reader's browser, with cookies of its own."""
    yield from open_tab(browser)


def _jpeg(width=1200, height=675) -> bytes:
    picture = PILImage.new("RGB", (width, height), "#1d4e6b")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, height * 2 // 3, width, height), fill="#9cc3d5")
    draw.ellipse((width - 260, 60, width - 100, 220), fill="#f2c14e")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _pick_autocomplete(tab, selection, search: str, option: str):
    """Open a select2 autocomplete, type into its search box and click the option named so.

    Each key typed sends a search whose answer redraws the list; on a loaded machine a click
    can land on an option the next answer then replaces, choosing nothing. So the list is read
    only once the answer for the whole search has come, and the choice is checked.
    """
    selection.click()

    def answers_the_search(response) -> bool:
        return parse_qs(urlsplit(response.url).query).get("term") == [search]

    with tab.expect_response(answers_the_search):
        tab.locator(".select2-container--open .select2-search__field").press_sequentially(search)
    tab.locator("li.select2-results__option").filter(
        has_text=re.compile(rf"^{re.escape(option)}$")
    ).click()
    expect(tab.locator(".select2-container--open")).to_have_count(0)


def _save_and_continue(tab):
    tab.locator("input[name=_continue]").first.click()


def _admin_input_formats(tab) -> tuple[str, str]:
    """The date and time formats the admin's own calendar and clock widgets write."""
    return tab.evaluate(
        "[get_format('DATE_INPUT_FORMATS')[0], get_format('TIME_INPUT_FORMATS')[0]]"
    )


def _xml_texts(tab, url: str, element: str) -> list[str]:
    """The text of every `element` (any namespace) in the XML document at `url`."""
    response = tab.request.get(url)
    assert response.ok, f"{url}: {response.status}"
    root = ET.fromstring(response.body())
    return [(node.text or "").strip() for node in root.iter() if node.tag.split("}")[-1] == element]


def _is_listed(reader, site: str, path: str) -> dict[str, bool]:
    """Where an anonymous reader finds the article at `path`: home page, RSS and both sitemaps."""
    reader.goto(f"{site}/")
    on_home = reader.locator(f"main a[href='{path}']").count() > 0
    return {
        "home": on_home,
        "rss": f"{site}{path}" in _xml_texts(reader, f"{site}/feeds/rss/", "link"),
        "sitemap": f"{site}{path}" in _xml_texts(reader, f"{site}/sitemap-articles.xml", "loc"),
        "news sitemap": f"{site}{path}" in _xml_texts(reader, f"{site}/sitemap-news.xml", "loc"),
    }


def test_editor_writes_previews_and_schedules_an_article_that_appears_on_time(
    site, page, reader_page, editor, screenshot
):
    """A draft previews only for staff; scheduled, it reaches readers by itself at its time."""
    slug = slugify(HEADLINE)
    path = f"/news/{slug}/"
    # Travelling from the real present keeps sessions and CSRF tokens valid; later shifts are
    # minutes only. The live server runs in this process, so it travels too.
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        log_in(page, site, editor)

        page.goto(f"{site}/admin/articles/image/add/")
        page.locator("input[name=file]").set_input_files(
            files=[{"name": "kestrel-bay-surge.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
        )
        page.locator("[name=alt_text]").fill(IMAGE_ALT)
        page.locator("[name=caption]").fill(IMAGE_CAPTION)
        page.locator("[name=credit]").fill(IMAGE_CREDIT)
        page.locator("input[name=_save]").click()
        page.wait_for_url(f"{site}/admin/articles/image/")
        expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
        image = Image.objects.get(alt_text=IMAGE_ALT)
        assert (image.width, image.height) == (1200, 675)

        page.goto(f"{site}/admin/articles/article/add/")
        page.locator("#id_headline").press_sequentially(HEADLINE)
        expect(page.locator("#id_slug")).to_have_value(slug)
        page.locator("#id_standfirst").fill(STANDFIRST)
        body = page.locator(".field-body .ProseMirror[contenteditable=true]")
        bold = page.locator(".field-body .prose-menubar button[data-name=bold]")
        body.click()
        page.keyboard.type(FIRST_PARAGRAPH_START)
        bold.click()
        page.keyboard.type(BOLD_WORDS)
        bold.click()
        page.keyboard.type(FIRST_PARAGRAPH_END)
        page.keyboard.press("Enter")
        page.keyboard.type(SECOND_PARAGRAPH)
        expect(body.locator("strong")).to_have_text(BOLD_WORDS)
        expect(body.locator("p")).to_have_count(2)

        _pick_autocomplete(page, page.locator(".field-section .select2-selection"), "Sci", SECTION)
        expect(page.locator("#id_section option:checked")).to_have_text(SECTION)
        _pick_autocomplete(page, page.locator(".field-tags .select2-selection"), "Flood", TAG)
        expect(page.locator("#id_tags option:checked")).to_have_text([TAG])
        _pick_autocomplete(
            page, page.locator(".field-featured_image .select2-selection"), "Kestrel", IMAGE_ALT
        )
        expect(page.locator("#id_featured_image option:checked")).to_have_text(IMAGE_ALT)

        add_related_link = page.get_by_role("button", name="Add another Related link")
        add_related_link.click()
        page.locator("[name=related_links-0-position]").fill("1")
        _pick_autocomplete(
            page,
            page.locator("#related_links-0 .field-target .select2-selection"),
            "Sennet Strait grain",
            RELATED_HEADLINE,
        )
        add_related_link.click()
        page.locator("[name=related_links-1-position]").fill("2")
        page.locator("[name=related_links-1-url]").fill(EXTERNAL_URL)
        page.locator("[name=related_links-1-title]").fill(EXTERNAL_TITLE)
        expect(page.locator("#id_status")).to_have_value("draft")

        _save_and_continue(page)
        page.wait_for_url(CHANGE_PAGE)
        expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
        expect(page.locator(".article-state")).to_contain_text("State: Draft")
        article = Article.objects.get(slug=slug)
        assert article.status == Article.Status.DRAFT
        assert article.featured_image == image
        assert f"<strong>{BOLD_WORDS}</strong>" in article.body
        assert [link.title or link.target.headline for link in article.related_links.all()] == [
            RELATED_HEADLINE,
            EXTERNAL_TITLE,
        ]
        screenshot(page, "editor-1-article-form")

        with page.context.expect_page() as new_tab:
            page.locator(".article-state").get_by_role("link", name="Preview").click()
        preview = new_tab.value
        expect(preview).to_have_url(f"{site}{path}")
        preview.wait_for_load_state("load")
        expect(preview.locator(".preview-banner")).to_contain_text("Preview.")
        expect(preview.locator(".preview-banner")).to_contain_text("This is a draft")
        expect(preview.locator("h1#headline")).to_have_text(HEADLINE)
        expect(preview.locator(".standfirst")).to_have_text(STANDFIRST)
        paragraphs = preview.locator(".article-body p")
        expect(paragraphs).to_have_text(
            [FIRST_PARAGRAPH_START + BOLD_WORDS + FIRST_PARAGRAPH_END, SECOND_PARAGRAPH]
        )
        expect(paragraphs.first.locator("strong, b")).to_have_text(BOLD_WORDS)
        picture = preview.locator(".featured-image img")
        expect(picture).to_have_attribute("alt", IMAGE_ALT)
        assert picture.evaluate(IMAGE_LOADED_JS), "the featured image did not load"
        expect(preview.locator(".featured-image figcaption")).to_contain_text(IMAGE_CAPTION)
        related = preview.locator("section.related")
        expect(related.locator("h2")).to_have_text("Related Articles")
        target = Article.objects.get(headline=RELATED_HEADLINE)
        links = related.locator("li a")
        expect(links.nth(0)).to_have_text(RELATED_HEADLINE)
        expect(links.nth(0)).to_have_attribute("href", target.get_absolute_url())
        expect(links.nth(1)).to_have_text(EXTERNAL_TITLE)
        expect(links.nth(1)).to_have_attribute("href", EXTERNAL_URL)
        expect(preview.locator("meta[name=robots]")).to_have_attribute(
            "content", "noindex, nofollow"
        )
        screenshot(preview, "editor-2-preview")
        preview.close()

        # Schedule it a few minutes ahead, written in the admin's own formats and time zone.
        moment = (timezone.now() + timedelta(minutes=5)).replace(microsecond=0)
        local_moment = timezone.localtime(moment)
        date_format, time_format = _admin_input_formats(page)
        page.locator("#id_status").select_option("published")
        page.locator("#id_published_at_0").fill(local_moment.strftime(date_format))
        page.locator("#id_published_at_1").fill(local_moment.strftime(time_format))
        _save_and_continue(page)
        expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
        expect(page.locator(".article-state")).to_contain_text(
            f"State: Scheduled for {local_moment.day} {local_moment:%B %Y, %H:%M}"
        )
        expect(page.locator(".article-state").get_by_role("link")).to_have_text("Preview")
        article.refresh_from_db()
        assert (article.status, article.published_at) == (Article.Status.PUBLISHED, moment)
        screenshot(page, "editor-3-scheduled")
        preview = page.context.new_page()
        preview.goto(f"{site}{path}")
        expect(preview.locator(".preview-banner")).to_contain_text("Preview. Scheduled for")
        preview.close()

        response = reader_page.goto(f"{site}{path}")
        assert response.status == 404
        assert _is_listed(reader_page, site, path) == dict.fromkeys(
            ["home", "rss", "sitemap", "news sitemap"], False
        )

        traveller.shift(timedelta(minutes=10))
        assert timezone.now() > moment
        assert _is_listed(reader_page, site, path) == dict.fromkeys(
            ["home", "rss", "sitemap", "news sitemap"], True
        )
        expect(reader_page.locator(f"main a[href='{path}']").first).to_be_visible()
        screenshot(reader_page, "editor-4-published-home")

        response = reader_page.goto(f"{site}{path}")
        assert response.status == 200
        expect(reader_page.locator("h1#headline")).to_have_text(HEADLINE)
        expect(reader_page.locator(".preview-banner")).to_have_count(0)
        expect(reader_page.locator("meta[name=robots]")).to_have_count(0)
        expect(reader_page.locator(".article-body strong")).to_have_text(BOLD_WORDS)
        screenshot(reader_page, "editor-5-published-article")

        page.reload()
        expect(page.locator(".article-state")).to_contain_text("State: Published")
        expect(page.locator(".article-state").get_by_role("link")).to_have_text("View on site")


def test_bulk_unpublish_takes_an_article_off_the_site(site, page, reader_page, editor, screenshot):
    """Unpublishing from the list takes an article off the site; publishing brings it back."""
    article = Article.objects.published().exclude(slug=SEED_SLUG).newest_first().first()
    path = article.get_absolute_url()
    reader_page.goto(f"{site}/")
    expect(reader_page.locator(f"main a[href='{path}']").first).to_be_visible()

    log_in(page, site, editor)

    def run_action(label: str, message: str, state: str):
        page.goto(f"{site}/admin/articles/article/")
        row = page.locator("#result_list tbody tr").filter(
            has=page.locator(f"input.action-select[value='{article.pk}']")
        )
        row.locator("input.action-select").check()
        page.locator("select[name=action]").select_option(label=label)
        page.locator("button[name=index]").click()
        expect(page.locator(".messagelist .success")).to_contain_text(message)
        expect(row.locator(".field-state_column")).to_have_text(state)

    run_action("Unpublish selected articles (back to draft)", "Unpublished 1 article", "Draft")
    screenshot(page, "editor-unpublished-list")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    response = reader_page.goto(f"{site}{path}")
    assert response.status == 404
    reader_page.goto(f"{site}/")
    expect(reader_page.locator(f"main a[href='{path}']")).to_have_count(0)

    run_action(
        "Publish selected articles (or schedule, if timed)",
        "Published or scheduled 1 article",
        "Published",
    )
    article.refresh_from_db()
    assert article.state == "Published"
    response = reader_page.goto(f"{site}{path}")
    assert response.status == 200
    expect(reader_page.locator("h1#headline")).to_have_text(article.headline)
    expect(reader_page.locator(".preview-banner")).to_have_count(0)
    reader_page.goto(f"{site}/")
    expect(reader_page.locator(f"main a[href='{path}']").first).to_be_visible()


def test_admin_screens_for_editors_fit_and_have_no_console_errors(site, page, editor, screenshot):
    """The article forms open cleanly: no script or CSP errors, the body editor and its toolbar."""
    problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(f"{page.url}: {message.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    seed = Article.objects.get(slug=SEED_SLUG)
    log_in(page, site, editor)

    for url in (
        f"{site}/admin/articles/article/add/",
        f"{site}/admin/articles/article/{seed.pk}/change/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        editor_box = page.locator(".field-body .ProseMirror[contenteditable=true]")
        expect(editor_box).to_be_visible()
        toolbar = page.locator(".field-body .prose-menubar")
        expect(toolbar).to_be_visible()
        for name in ("bold", "italic", "bulletList", "blockquote", "link"):
            expect(toolbar.locator(f"button[data-name='{name}']")).to_be_visible()
        expect(page.locator("textarea[name=body]")).to_be_hidden()
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["scrollWidth"] <= layout["innerWidth"], (url, layout)

    expect(page.locator("#id_headline")).to_have_value(seed.headline)
    expect(editor_box.locator("p").first).to_be_visible()
    expect(page.locator(".article-state")).to_contain_text("State: Published")
    screenshot(page, "editor-admin-change-form")
    assert problems == []
