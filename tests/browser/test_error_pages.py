"""Error pages in a real browser look like the site; an uploaded file opened on its own runs
nothing."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.error_triggers")]

ERROR_PAGES = {
    "400": ("/trigger/bad-request/", 400, "We could not read that request"),
    "400-charset": ("/trigger/charset/", 400, "We could not read that text"),
    "403": ("/trigger/forbidden/", 403, "You cannot open this page"),
    "404": ("/no-such-page/", 404, "We can’t find that page"),
    "500": ("/trigger/server-error/", 500, "Something went wrong on our side"),
}
# What site.css and Bootstrap do to the frame: the masthead's rule, the serif brand, the
# centred container, the dark search button.
LOOK_JS = """
() => ({
  headerRule: getComputedStyle(document.querySelector(".site-header")).borderBottomWidth,
  brandFont: getComputedStyle(document.querySelector(".brand")).fontFamily,
  containerWidth: getComputedStyle(document.querySelector("main.container")).maxWidth,
  buttonColour: getComputedStyle(document.querySelector(".site-search button")).backgroundColor,
})
"""


@pytest.mark.parametrize("error", ERROR_PAGES)
def test_error_pages_look_like_the_site(page, live_server, screenshot, error):
    """Each error page has the masthead, search box and our styles, and the friendly words."""
    path, status, heading = ERROR_PAGES[error]
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status
    assert page.locator("h1").inner_text() == heading
    look = page.evaluate(LOOK_JS)
    assert look["headerRule"] == "3px"
    assert "serif" in look["brandFont"].lower()
    assert look["containerWidth"] not in ("none", "")
    assert look["buttonColour"] == "rgb(33, 37, 41)"
    assert page.get_by_role("link", name=settings.SITE_NAME).get_attribute("href") == "/"
    screenshot(page, f"error-page-{error}")


def test_an_expired_form_gets_the_friendly_page(page, live_server, screenshot):
    """A form posted without its CSRF token (a page left open too long) shows our 403 page."""
    page.goto(f"{live_server.url}/no-such-page/")
    with page.expect_navigation():
        page.evaluate(
            """() => {
              const form = document.createElement("form");
              form.method = "post";
              form.action = "/trigger/csrf/";
              document.body.append(form);
              form.submit();
            }"""
        )
    assert page.locator("h1").inner_text() == "This form has expired"
    assert page.evaluate(LOOK_JS)["headerRule"] == "3px"
    screenshot(page, "error-page-403-csrf")


@pytest.fixture
def uploaded_svg_with_script():
    """An SVG in the media folder whose script, also uploaded, would mark the document."""
    folder = Path(settings.MEDIA_ROOT) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "error-pages-probe.js"
    script.write_text('document.documentElement.setAttribute("data-ran", "yes");')
    svg = folder / "error-pages-probe.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<script href="/trigger/media/uploads/{script.name}"/>'
        "<script>document.documentElement.setAttribute('data-inline', 'yes');</script>"
        "</svg>"
    )
    yield f"/trigger/media/uploads/{svg.name}"
    svg.unlink()
    script.unlink()


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_svg_opened_on_its_own_runs_no_script(
    page, live_server, uploaded_svg_with_script
):
    """Neither its inline script nor a script uploaded beside it (allowed by the pages' own
    'self' policy) runs: the file policy allows no script and sandboxes the document."""
    response = page.goto(f"{live_server.url}{uploaded_svg_with_script}")
    assert response.status == 200
    page.wait_for_load_state("load")
    marks = page.evaluate(
        "() => [document.documentElement.getAttribute('data-ran'),"
        " document.documentElement.getAttribute('data-inline')]"
    )
    assert marks == [None, None]
