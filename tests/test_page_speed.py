"""What a phone waits for before it shows a page (#8): little render-blocking CSS, no script in
the way, the lead picture fetched first."""

import re
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile

from tests.factories import ArticleFactory, ImageFactory, jpeg_bytes

BOOTSTRAP = Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap"
# What renders the site's HTML, as tests/lighthouse/purge-bootstrap.mjs reads it for `make css`.
CONTENT = [
    (Path(settings.BASE_DIR) / "templates", "*.html"),
    (Path(settings.BASE_DIR) / "static" / "js", "*.js"),
    *((Path(settings.BASE_DIR) / app, "*.py") for app in ("articles", "comments", "newsportal")),
    *(
        (Path(find_spec(app).origin).parent, pattern)
        for app in ("crispy_forms", "crispy_bootstrap5")
        for pattern in ("*.html", "*.py")
    ),
]
# A blocking stylesheet this size arrives in one or two round trips on a slow phone network.
BLOCKING_CSS_BUDGET = 60_000


def selectors(css: str) -> list[set[str]]:
    """The class names of each selector of each rule in `css` (comments ignored)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [
        set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", selector))
        for prelude in re.findall(r"([^{}]+)\{", css)
        for selector in prelude.split(",")
    ]


def test_every_bootstrap_rule_the_site_uses_is_in_its_subset():
    """Each Bootstrap rule whose classes the site uses is kept: rerun `make css` if this fails."""
    used = set()
    for directory, pattern in CONTENT:
        for path in directory.rglob(pattern):
            used |= set(re.findall(r"[\w-]+", path.read_text(errors="replace")))
    subset = set().union(*selectors((BOOTSTRAP / "bootstrap.site.min.css").read_text()))
    needed = set().union(
        *(
            classes
            for classes in selectors((BOOTSTRAP / "bootstrap.min.css").read_text())
            if classes and classes <= used
        )
    )
    missing = sorted(needed - subset)
    assert missing == [], f"used but not in bootstrap.site.min.css (run `make css`): {missing}"
    assert {"container", "row", "btn", "form-control", "visually-hidden"} <= subset


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes)
        elif tag == "script" and "src" in attributes:
            self.scripts.append(attributes)
        elif tag == "img":
            self.images.append(attributes)


@pytest.mark.django_db
def test_article_page_paints_without_waiting_for_scripts_or_much_css(client):
    """The article's blocking CSS is small, every script is deferred and none is Bootstrap's."""
    article = ArticleFactory(featured_image=ImageFactory())
    page = _Head()
    page.feed(client.get(article.get_absolute_url()).content.decode())
    hrefs = [link["href"] for link in page.stylesheets]
    assert any("bootstrap.site.min" in href for href in hrefs), hrefs
    blocking = [link for link in page.stylesheets if link.get("media", "all") in ("all", "screen")]
    sizes = {
        link["href"]: Path(finders.find(link["href"].removeprefix(settings.STATIC_URL))).stat()
        for link in blocking
    }
    assert sum(size.st_size for size in sizes.values()) < BLOCKING_CSS_BUDGET, sizes
    assert page.scripts and all("defer" in script for script in page.scripts), page.scripts
    assert not [script for script in page.scripts if "bootstrap" in script["src"]]


@pytest.mark.django_db
def test_article_lead_picture_is_fetched_first_and_keeps_its_space(client):
    """The lead picture is not lazy, asks for high priority and has its size before it loads."""
    picture = ImageFactory(file=ContentFile(jpeg_bytes(1200, 675), name="lead.jpg"))
    article = ArticleFactory(featured_image=picture)
    page = _Head()
    page.feed(client.get(article.get_absolute_url()).content.decode())
    lead = page.images[0]
    assert lead["loading"] == "eager"
    assert lead["fetchpriority"] == "high"
    assert (lead["width"], lead["height"]) == ("1200", "675")
    assert "sizes" in lead and " 640w" in lead["srcset"]
