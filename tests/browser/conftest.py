"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The demo content takes ~10 s to load because it renders every image, so it is loaded once per
session inside a transaction that is rolled back (the rest of the suite never sees it), dumped to
a fixture file on the way, and re-loaded into each test's database with `loaddata`, which takes
a fraction of a second. The image files stay in the test MEDIA_ROOT for the whole session.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import Page, sync_playwright

from tests.factories import STAFF_PASSWORD

# Playwright's sync API runs an asyncio event loop in this thread; without this Django refuses
# ORM calls from the tests ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (Playwright's own browser download is never used)."""
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).is_file():
        pytest.fail(
            f"Chromium not found at {executable!r}: install Debian's `chromium` package or set "
            "CHROMIUM to the browser's path. Browser tests fail rather than skip without it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, context_args):
    context = browser.new_context(**context_args)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A fresh desktop browser tab (1280×900) with its own cookies and cache."""
    context, tab = _new_page(browser, DESKTOP)
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser):
    """A fresh tab in a phone-sized, touch, high-density viewport (375×812)."""
    context, tab = _new_page(browser, PHONE)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def demo_fixture_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content as a loaddata fixture, made once per session (images rendered once)."""
    from articles.demo.loader import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        call_command("dumpdata", "articles", output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


@pytest.fixture
def site(live_server, demo_fixture_file):
    """The live server's address, with the demo content in its (per-test) database."""
    call_command("loaddata", str(demo_fixture_file), verbosity=0)
    return live_server.url


@pytest.fixture
def screenshot():
    """save(page, name): a PNG of the whole page in tests/browser/screenshots/<name>.png."""

    def save(tab: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{_file_name(name)}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return save


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of every open tab when a browser test fails, named after the test."""
    report = yield
    if report.when == "call" and report.failed:
        test_name = _file_name(item.nodeid.split("::", 1)[-1])
        for fixture_name, tab in getattr(item, "funcargs", {}).items():
            if not isinstance(tab, Page) or tab.is_closed():
                continue
            path = SCREENSHOTS / f"FAILED-{test_name}-{fixture_name}.png"
            try:
                tab.screenshot(path=str(path), full_page=True)
            except Exception as error:  # noqa: BLE001 - the test's own failure matters more
                report.sections.append(("failure screenshot", f"not saved: {error}"))
            else:
                report.sections.append(("failure screenshot", str(path)))
    return report


def open_tab(browser, **options):
    """A desktop tab in a browser context of its own; use with `yield from` in a fixture.

    Each extra tab is a Page fixture of its own (not a factory) so that the failure hook above
    screenshots it.
    """
    context = browser.new_context(**{**DESKTOP, **options})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def log_in(tab, site: str, user) -> None:
    """Log a staff member in through the admin's own login form: `user` is one of the shared
    fixtures (`editor`, `moderator` in tests/conftest.py) or made by tests.factories, whose
    accounts all have STAFF_PASSWORD. (The fixtures work here too: after a live server's flush,
    `staff_member` makes the role's group again.)"""
    from playwright.sync_api import expect

    tab.goto(f"{site}/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(STAFF_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab).to_have_url(f"{site}/admin/")
