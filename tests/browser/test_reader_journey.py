"""What a reader sees and does in a real browser: the journey, phones, keyboards, images, assets."""

import re
from datetime import datetime
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from articles.demo.loader import SEED_SLUG
from articles.models import Article

pytestmark = pytest.mark.browser

SEED_HEADLINE = "Putin greeted Russia-China relations during the Xi Virtual Summit"
SEED_PATH = f"/news/{SEED_SLUG}/"
SEARCH_WORD = "Aldra"
SEARCH_PATH = f"/search/?q={SEARCH_WORD}"

# Every heading in document order, as numbers (h2 → 2).
HEADING_LEVELS_JS = """
() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => Number(h.tagName[1]))
"""
FOCUS_STYLE_JS = """
element => {
  const style = getComputedStyle(element);
  return {
    element: element.outerHTML.slice(0, 120),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
  };
}
"""
# The page's width, the window's, and the first few elements reaching past the screen's edge.
# A phone zooms out to fit a page wider than the screen, which widens innerWidth with it; so the
# screen's own width is passed in and checked too.
OVERFLOW_JS = """
screenWidth => {
  const describe = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className.trim()
       ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    tooWide: [...document.querySelectorAll("body *")]
      .filter(e => e.getBoundingClientRect().right > screenWidth + 0.5)
      .slice(0, 8)
      .map(describe),
  };
}
"""
IMAGE_LOADED_JS = "img => img.complete && img.naturalWidth > 0"
SCROLL_THROUGH_JS = """
async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await new Promise(resolve => requestAnimationFrame(resolve));
  }
}
"""


def test_reader_follows_a_story_from_home_through_related_and_section_to_search(
    site, page, screenshot
):
    """A reader clicks from the lead story to a related article, its section and search results."""
    page.goto(f"{site}/")
    lead_link = page.locator("section.lead-story #lead-headline a")
    expect(lead_link).to_have_text(SEED_HEADLINE)
    expect(page.locator("#latest-heading")).to_have_text("Latest Articles")
    screenshot(page, "journey-1-home")

    lead_link.click()
    expect(page).to_have_url(f"{site}{SEED_PATH}")
    dateline = page.locator(".article-header time[datetime]")
    expect(dateline).to_have_count(1)
    published_at = Article.objects.get(slug=SEED_SLUG).published_at
    assert datetime.fromisoformat(dateline.get_attribute("datetime")) == published_at
    expect(dateline).to_have_text(f"{published_at:%A, %B} {published_at.day}, {published_at:%Y}")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1#headline")).to_have_text(SEED_HEADLINE)
    expect(page.locator(".article-header .standfirst")).not_to_be_empty()
    assert page.locator(".article-body p").count() >= 3
    expect(page.locator(".source-line")).to_have_text("Source: Wire service")
    assert "[author_name]" not in page.content()
    expect(page.locator("#related-heading")).to_have_text("Related Articles")
    assert page.locator(".related-list a").count() >= 1
    expect(page.locator("#latest-heading")).to_have_text("Latest Articles")
    assert page.locator("aside .compact-list a").count() >= 1
    screenshot(page, "journey-2-article")

    related_link = page.locator(".related-list a[href^='/news/']").first
    related_headline = related_link.inner_text()
    related_path = related_link.get_attribute("href")
    assert related_path != SEED_PATH
    related_link.click()
    expect(page).to_have_url(f"{site}{related_path}")
    expect(page.locator("h1#headline")).to_have_text(related_headline)
    screenshot(page, "journey-3-related-article")

    section_link = page.locator(".article-header .kicker a")
    section_name = section_link.text_content().strip()  # inner_text() is CSS-uppercased
    section_path = section_link.get_attribute("href")
    assert section_path.startswith("/section/")
    section_link.click()
    expect(page).to_have_url(f"{site}{section_path}")
    expect(page.locator("h1")).to_have_text(section_name)
    cards = page.locator(".article-list .article-card")
    assert cards.count() >= 2
    expect(cards.locator(".kicker")).to_have_text([section_name] * cards.count())
    screenshot(page, "journey-4-section")

    search_box = page.locator("header form[role=search] input[type=search]#site-search")
    search_box.fill(SEARCH_WORD)
    search_box.press("Enter")
    expect(page).to_have_url(f"{site}{SEARCH_PATH}")
    expect(page.locator("h1")).to_have_text(f"Search results for “{SEARCH_WORD}”")
    expect(page.locator("[role=status]")).to_have_text(re.compile(r"^[1-9]\d* articles? found\.$"))
    matching_cards = page.locator(".article-list .article-card").filter(has_text=SEARCH_WORD)
    assert matching_cards.count() >= 1
    screenshot(page, "journey-5-search-results")

    result_link = matching_cards.first.locator(".card-headline a")
    result_headline = result_link.inner_text()
    result_path = result_link.get_attribute("href")
    result_link.click()
    expect(page).to_have_url(f"{site}{result_path}")
    expect(page.locator("h1#headline")).to_have_text(result_headline)
    expect(page.locator("article.article")).to_contain_text(SEARCH_WORD)
    screenshot(page, "journey-6-search-result-article")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("article", SEED_PATH),
        ("section", "/section/world/"),
        ("search-results", SEARCH_PATH),
    ],
    ids=["home", "article", "section", "search-results"],
)
def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    site, phone_page, screenshot, name, path
):
    """On a phone, pages fit the screen width: nothing makes the reader scroll sideways."""
    phone_page.goto(f"{site}{path}")
    phone_page.wait_for_load_state("networkidle")
    expect(phone_page.locator("h1")).to_have_count(1)
    screenshot(phone_page, f"phone-{name}")
    screen_width = phone_page.viewport_size["width"]
    layout = phone_page.evaluate(OVERFLOW_JS, screen_width)
    assert layout["scrollWidth"] <= layout["innerWidth"] == screen_width, layout


@pytest.mark.parametrize(
    ("name", "path"), [("home", "/"), ("article", SEED_PATH)], ids=["home", "article"]
)
def test_keyboard_and_screen_reader_basics(site, page, screenshot, name, path):
    """Readers using a keyboard or screen reader find landmarks, headings, alt text, a skip link."""
    page.goto(f"{site}{path}")

    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Sections")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)

    levels = page.evaluate(HEADING_LEVELS_JS)
    assert levels.count(1) == 1, levels
    assert levels[0] == 1, levels
    skips = [(before, after) for before, after in pairwise(levels) if after > before + 1]
    assert not skips, f"heading levels skip: {skips} in {levels}"

    alts = page.locator("img").evaluate_all("images => images.map(i => i.getAttribute('alt'))")
    assert alts, "expected pictures on this page"
    assert all(alt and alt.strip() for alt in alts), alts

    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.bounding_box()["width"] <= 1, "the skip link is hidden until focused"
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["width"] > 20 and box["height"] > 10, box
    _assert_focus_is_visible(page)
    screenshot(page, f"a11y-{name}-skip-link-focused")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "Tab after the skip link continues inside main"
    )
    _assert_focus_is_visible(page)


def _assert_focus_is_visible(page):
    style = page.evaluate_handle("document.activeElement").evaluate(FOCUS_STYLE_JS)
    has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    assert has_outline or style["boxShadow"] != "none", f"no visible focus indicator: {style}"


def test_article_picture_is_sized_responsive_and_webp(site, page):
    """The article's picture reserves its space, offers several sizes and arrives as WebP."""
    page.goto(f"{site}{SEED_PATH}")
    picture = page.locator("figure.featured-image picture")
    image = picture.locator("img")
    expect(image).to_have_count(1)
    assert int(image.get_attribute("width")) > 0
    assert int(image.get_attribute("height")) > 0
    assert len(image.get_attribute("srcset").split(",")) >= 2
    webp_source = picture.locator("source[type='image/webp']")
    assert len(webp_source.get_attribute("srcset").split(",")) >= 2
    page.wait_for_function(IMAGE_LOADED_JS, arg=image.element_handle())
    assert image.evaluate("img => img.currentSrc").endswith(".webp")


def test_home_page_pictures_load_lazily_as_webp(site, page, screenshot):
    """The home page's list pictures are lazy-loaded, appear when scrolled to, and come as WebP."""
    page.goto(f"{site}/")
    images = page.locator("section[aria-labelledby=latest-heading] .article-list img")
    assert images.count() >= 2
    assert images.evaluate_all("images => images.map(i => i.loading)") == ["lazy"] * images.count()
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(IMAGE_LOADED_JS, arg=image.element_handle())
        assert image.evaluate("img => img.currentSrc").endswith(".webp"), index
    screenshot(page, "images-home-scrolled")


@pytest.mark.parametrize("path", ["/", SEED_PATH], ids=["home", "article"])
def test_pages_load_cleanly_from_the_site_itself(site, page, path):
    """Pages show no script errors or broken assets, and load nothing from other sites."""
    console_errors, broken, requested = [], [], []

    def on_console(message):
        if message.type == "error":
            console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400:
            broken.append(f"{response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on("requestfailed", lambda request: broken.append(f"{request.url}: {request.failure}"))
    page.on("response", on_response)
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{site}{path}")
    page.evaluate(SCROLL_THROUGH_JS)  # every lazy picture comes into view and loads
    page.wait_for_load_state("networkidle")

    stylesheets = page.locator("link[rel=stylesheet]").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert any("bootstrap" in href for href in stylesheets), stylesheets
    assert all(href.startswith("/static/") for href in stylesheets), stylesheets
    assert console_errors == []
    assert broken == []
    site_host = urlsplit(site).netloc
    assert any(urlsplit(url).path.startswith("/media/") for url in requested), requested
    assert [url for url in requested if urlsplit(url).netloc != site_host] == []
