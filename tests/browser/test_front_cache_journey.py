"""Readers, a moderator and an editor on the production stack (`make serve`: Varnish in front of
gunicorn), in Chromium: cached pages stay correct for everyone, and what a moderator or an
editor changes is on the next page load of every reader."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, STAFF_PASSWORD, log_in
from tests.serve.conftest import BASE_DIR, running_stack, stack_environment

pytestmark = pytest.mark.browser

SEED_PATH = "/news/putin-greeted-russia-china-relations-during-the-xi-virtual-summit/"
AWAITING = "Your comment is awaiting moderation."


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The stack as `make serve` runs it, with the demo content and two staff members."""
    directory = tmp_path_factory.mktemp("production")
    with running_stack(directory, settings_module="newsportal.settings", demo=True) as stack:
        env = {
            **stack_environment(directory, "newsportal.settings"),
            "DJANGO_DEBUG": "True",  # for the commands only: the same database
            "DJANGO_STAFF_PASSWORD": STAFF_PASSWORD,
        }
        for command in ("create_moderator", "create_editor"):
            name = command.removeprefix("create_")
            subprocess.run(
                [sys.executable, "manage.py", command, name, "--email", f"{name}@example.org"],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
            )
        yield SimpleNamespace(url=f"http://127.0.0.1:{stack.port}", stack=stack)


def test_a_first_start_loads_the_demo_without_a_purge_warning(production):
    """Before Varnish runs there is nothing in it to purge: loading the demo stories into an
    empty database tells nobody about a refused connection."""
    output = production.stack.output()
    assert "Demo content loaded" in output
    assert "Could not purge" not in output


@pytest.fixture
def tabs(browser):
    contexts = []

    def open_tab(javascript=True):
        context = browser.new_context(**DESKTOP, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def load(tab, url):
    """Open `url`; what the front cache said (HIT or MISS)."""
    response = tab.goto(url)
    assert response.status == 200, url
    return response.headers.get("x-cache")


def test_a_comment_and_a_correction_reach_every_reader_through_the_front_cache(
    production, tabs, screenshot
):
    article_url = production.url + SEED_PATH
    reader, other_reader = tabs(), tabs()
    load(reader, article_url)
    assert load(reader, article_url) == "HIT"  # the page everyone gets, from Varnish

    body = f"Posted through the front cache at {time.time():.0f}."
    form = reader.locator("form#comment-form")
    form.locator("[name=comment]").fill(body)
    form.locator("[name=name]").fill("Ada Reader")
    form.locator("[name=email]").fill("ada@example.org")
    reader.wait_for_timeout(3100)  # the site's minimum time to fill the form, from the first key
    form.get_by_role("button", name="Post Comment").click()
    mine = reader.locator("li.comment.comment-pending").filter(has_text=body)
    expect(mine).to_contain_text(AWAITING)
    # From now on this reader's pages are their own (a session), never from the shared cache.
    assert load(reader, article_url) != "HIT"
    expect(reader.locator("li.comment-pending").filter(has_text=body)).to_contain_text(AWAITING)
    screenshot(reader, "front-cache-1-reader-sees-own-pending")

    assert load(other_reader, article_url) == "HIT"
    expect(other_reader.locator("#comments")).not_to_contain_text(body)

    moderator = tabs()
    log_in(moderator, production.url, SimpleNamespace(username="moderator"))
    moderator.goto(f"{production.url}/admin/comments/comment/?status__exact=pending")
    row = moderator.locator("#result_list tbody tr").filter(has_text=body[:40])
    row.locator("input.action-select").check()
    moderator.locator("select[name=action]").select_option(label="Approve selected comments")
    moderator.locator("button[name=index]").click()
    expect(moderator.locator(".messagelist .success")).to_have_text("Approved 1 comment.")
    approved_at = time.monotonic()

    # The purge went out when the approval committed: the very next load shows it.
    assert load(other_reader, article_url) == "MISS"
    seen_after = time.monotonic() - approved_at
    approved = other_reader.locator("li.comment").filter(has_text=body)
    expect(approved).to_be_visible()
    expect(approved).not_to_contain_text(AWAITING)
    assert seen_after < 1.0, f"the approved comment took {seen_after:.2f} s to reach a reader"
    assert load(other_reader, article_url) == "HIT"
    screenshot(other_reader, "front-cache-2-second-reader-sees-approved")

    editor = tabs()
    log_in(editor, production.url, SimpleNamespace(username="editor"))
    editor.goto(f"{production.url}/admin/articles/article/?q=Putin")
    editor.locator("#result_list tbody tr th a").first.click()
    correction = "An earlier version of this article misdated the summit."
    editor.locator("#id_correction").fill(correction)
    editor.locator("input[name=_continue]").first.click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    corrected_at = time.monotonic()

    assert load(other_reader, article_url) == "MISS"
    seen_after = time.monotonic() - corrected_at
    expect(other_reader.locator("aside.correction")).to_contain_text(correction)
    assert seen_after < 1.0, f"the correction took {seen_after:.2f} s to reach a reader"
    screenshot(other_reader, "front-cache-3-second-reader-sees-correction")


def test_a_reader_without_javascript_comments_from_the_cached_page(production, tabs):
    article_url = production.url + SEED_PATH
    reader = tabs(javascript=False)
    load(reader, article_url)
    assert load(reader, article_url) == "HIT"
    body = f"No script, cached page, {os.getpid()}-{time.time():.0f}."
    form = reader.locator("form#comment-form")
    form.locator("[name=comment]").fill(body)
    form.locator("[name=name]").fill("Lynx User")
    form.locator("[name=email]").fill("lynx@example.org")
    form.get_by_role("button", name="Post Comment").click()
    expect(reader.locator("[data-error-summary]")).to_contain_text("One more step")
    expect(reader.locator("form#comment-form [name=comment]")).to_have_value(body)
    reader.wait_for_timeout(1100)  # the confirming press is at least a second later
    reader.locator("form#comment-form").get_by_role("button", name="Post Comment").click()
    expect(reader.locator("li.comment-pending").filter(has_text=body)).to_contain_text(AWAITING)
