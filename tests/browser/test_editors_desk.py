"""The editor's desk at 1280 px: the article form's headline and standfirst show all their
words, count them against what search results and social cards show, and every control of the
body editor's toolbar has an icon that draws and a name a screen reader can say."""

import pytest
from playwright.sync_api import expect

from articles.demo.loader import SEED_SLUG
from articles.meta import DESCRIPTION_LIMIT, HEADLINE_LIMIT
from articles.models import Article
from tests.browser.conftest import SCREENSHOTS, log_in, open_tab

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
# A headline as long as the limit, in ordinary words: all of it must show in the field.
LONG_HEADLINE = (
    "Kestrel Bay harbour engineers say the new flood gates held through Sunday's record "
    "autumn surge, but only just"
)
LONG_STANDFIRST = (
    "The gauge at the harbour mouth read 4.92 metres above datum at high water, the highest "
    "since records began in 1911. Engineers will inspect the gates on Monday before the next "
    "spring tide, and the council has asked for an independent review of the sea wall's "
    "eastern section, where waves broke over the promenade for most of the evening and two "
    "cafés were flooded."
)

# The text width of a Material Icons ligature is one glyph (about the font size); a ligature
# the font lacks is drawn as the spelled-out word ("format_bold"), many times wider. A glyph
# no font on the page has is drawn as the fallback box, the same box as a code point no font
# has: such text draws exactly what U+10FFFD draws.
TOOLBAR_JS = r"""
() => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const ink = canvas.getContext("2d", {willReadFrequently: true});
  const drawn = (text, font) => {
    ink.clearRect(0, 0, 64, 64);
    ink.font = font;
    ink.fillText(text, 8, 44);
    return ink.getImageData(0, 0, 64, 64).data.join(",");
  };
  const isFallbackBox = (character, font) => drawn(character, font) === drawn("\u{10FFFD}", font);
  const fontOf = (style) => `${style.fontSize} ${style.fontFamily}`;
  const visible = (element) => element.getClientRects().length > 0
    && getComputedStyle(element).visibility !== "hidden";

  const menubar = document.querySelector(".field-body .prose-menubar");
  const controls = [...menubar.querySelectorAll("button")].filter(visible).map((button) => {
    const style = getComputedStyle(button);
    const svg = button.querySelector("svg");
    let icon;
    if (svg) {
      const box = svg.getBoundingClientRect();
      icon = {kind: "svg", width: box.width, height: box.height, box: false};
    } else {
      const range = document.createRange();
      range.selectNodeContents(button);
      const box = range.getBoundingClientRect();
      const text = button.textContent.trim();
      const ligature = style.fontFamily.includes("Material Icons");
      icon = {
        kind: ligature ? "ligature" : "text",
        text,
        width: box.width,
        height: box.height,
        fontSize: parseFloat(style.fontSize),
        fontLoaded: !ligature || document.fonts.check(`${style.fontSize} "Material Icons"`),
        box: !ligature && [...text].some((c) => !/\s/.test(c) && isFallbackBox(c, fontOf(style))),
      };
    }
    return {
      name: (button.getAttribute("aria-label") || button.title || "").trim(),
      label: button.dataset.name || button.title || button.outerHTML.slice(0, 80),
      icon,
    };
  });
  // Decorations drawn by CSS (the style picker's arrow was one): no glyph may be the box.
  const decorations = [];
  for (const element of menubar.querySelectorAll("*")) {
    if (!visible(element)) continue;
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      // A string ("…"), or none / normal / counter() and the like, which draw no glyph of ours.
      if (!style.content.startsWith('"')) continue;
      const text = JSON.parse(style.content);
      decorations.push({
        where: `${element.className} ${pseudo}`,
        text,
        box: [...text].some((c) => !/\s/.test(c) && isFallbackBox(c, fontOf(style))),
        drawnWidth: parseFloat(style.width) + parseFloat(style.borderLeftWidth)
          + parseFloat(style.borderRightWidth),
      });
    }
  }
  return {controls, decorations};
}
"""


@pytest.fixture
def desk(browser):
    """A laptop-sized tab (1280×800), the editors' usual screen."""
    yield from open_tab(browser, viewport=VIEWPORT)


def _count(tab, field_id: str):
    return tab.locator(f"#{field_id}_char_count")


def test_the_editors_desk_shows_whole_headlines_counts_them_and_names_every_tool(
    site, editor, desk
):
    assert len(LONG_HEADLINE) == HEADLINE_LIMIT
    article = Article.objects.get(slug=SEED_SLUG)
    log_in(desk, site, editor)
    desk.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    headline = desk.locator("#id_headline")
    standfirst = desk.locator("#id_standfirst")
    expect(desk.locator(".field-body .prose-menubar button").first).to_be_visible()

    # The headline is as wide as its row of the form, and a headline of the limit's length
    # shows whole.
    widths = headline.evaluate(
        """input => ({
            input: input.getBoundingClientRect().width,
            row: input.closest(".form-row").clientWidth,
        })"""
    )
    assert widths["input"] >= 600, widths
    assert widths["input"] >= widths["row"] - 40, widths  # the row's padding, no more
    headline.fill(LONG_HEADLINE)
    fit = headline.evaluate("input => [input.scrollWidth, input.clientWidth]")
    assert fit[0] <= fit[1], f"the headline is cut: {fit}"

    # Its count follows the typing and says when search results and cards would cut it.
    count = _count(desk, "id_headline")
    expect(count).to_have_text(f"{HEADLINE_LIMIT} / {HEADLINE_LIMIT} characters")
    calm_colour = count.evaluate("element => getComputedStyle(element).color")
    assert "id_headline_char_count" in headline.get_attribute("aria-describedby")
    headline.press("End")
    headline.press_sequentially("!?")
    expect(count).to_contain_text(f"{HEADLINE_LIMIT + 2} / {HEADLINE_LIMIT} characters: longer")
    expect(count).to_have_class("char-count char-count--over")
    assert count.evaluate("element => getComputedStyle(element).color") != calm_colour
    announcement = desk.locator(".field-headline [aria-live=polite]")
    expect(announcement).to_contain_text("1 over 110")  # once, on crossing
    headline.press("Backspace")
    headline.press("Backspace")
    expect(count).not_to_have_class("char-count char-count--over")
    expect(announcement).to_contain_text("within 110")

    # The standfirst box grows with its text, and is counted against the cards' description.
    standfirst.fill(LONG_STANDFIRST)
    grown = standfirst.evaluate("area => [area.scrollHeight, area.clientHeight]")
    assert grown[0] <= grown[1] + 2, f"the standfirst is cut: {grown}"
    width = standfirst.evaluate("area => area.getBoundingClientRect().width")
    assert width >= widths["input"] - 2
    expect(_count(desk, "id_standfirst")).to_have_text(
        f"{len(LONG_STANDFIRST)} / {DESCRIPTION_LIMIT} characters: longer than social cards show"
    )
    assert "id_standfirst_helptext" in standfirst.get_attribute("aria-describedby")

    # Every control of the body editor's toolbar: a name, and an icon that draws.
    toolbar = desk.evaluate(TOOLBAR_JS)
    assert len(toolbar["controls"]) >= 15, toolbar["controls"]
    nameless = [control["label"] for control in toolbar["controls"] if not control["name"]]
    assert nameless == []
    not_drawn = [
        control
        for control in toolbar["controls"]
        if not (control["icon"]["width"] > 0 and control["icon"]["height"] > 0)
        or control["icon"]["box"]
        or (
            control["icon"]["kind"] == "ligature"
            and not (
                control["icon"]["fontLoaded"]
                and control["icon"]["width"] <= 1.5 * control["icon"]["fontSize"]
            )
        )
    ]
    assert not_drawn == []
    boxes = [decoration for decoration in toolbar["decorations"] if decoration["box"]]
    assert boxes == []
    picker = [d for d in toolbar["decorations"] if "prose-menubar__selected" in d["where"]]
    assert picker and all(d["drawnWidth"] > 0 for d in picker), picker

    # The desk as the closing note of #12 shows it: top of the form, headline at the limit,
    # standfirst over its own.
    headline.fill(LONG_HEADLINE)
    headline.blur()
    desk.evaluate("window.scrollTo(0, 0)")
    desk.screenshot(path=str(SCREENSHOTS / "editors-desk-1280.png"))
