"""Automated WCAG 2.1 A/AA checks (axe-core, vendored for the tests) on the reader pages."""

from pathlib import Path

import pytest

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SEED = "/news/putin-greeted-russia-china-relations-during-the-xi-virtual-summit/"
PAGES = {
    "home": "/",
    "article": SEED,
    "section": "/section/world/",
    "tag": "/tag/diplomacy/",
    "search": "/search/?q=Aldra",
    "empty-search": "/search/?q=zzzxq",
    "not-found": "/news/no-such-story/",
}

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(browser):
    # The site's CSP rightly forbids injected scripts; only this test's tab lifts it for axe.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def violations(tab) -> list[str]:
    tab.evaluate(AXE)
    result = tab.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_reader_pages_have_no_wcag_a_or_aa_violations(axe_page, site, screenshot, name):
    """Contrast, names, labels, landmarks, language: what axe-core can check, clean."""
    axe_page.goto(site + PAGES[name])
    found = violations(axe_page)
    screenshot(axe_page, f"axe-{name}")
    assert found == [], "\n".join(found)
