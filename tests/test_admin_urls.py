"""Every admin URL that carries an id answers a nonsense id with a 404 (or Django's redirect), never
a 500: the walk covers each URL pattern of the admin site, so a view added later is covered too."""

import inspect
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver
from django.urls.resolvers import RegexPattern
from reversion import create_revision

from articles.models import Article
from comments.models import ModerationDecision, ModerationRule
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    TagFactory,
    superuser,
)

pytestmark = pytest.mark.django_db

# What a mistyped link, an old bookmark or a probing script puts where an id belongs. "%00" goes
# into the URL as it is (a NUL once decoded); the rest are percent-encoded as a browser would.
BAD_IDS = ["abc", "0", "-1", "99999999999999999999999", "%00", "1.5", "١٢"]
OUR_APPS = {"articles", "comments"}

# A captured argument in a route ("<path:object_id>") or in a regex ("([^/]+)", "(?P<url>.*)").
_ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?\w+>")
_REGEX_ARGUMENT = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def url_template(pattern) -> str:
    """A pattern's URL with "{}" where each captured argument goes."""
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):  # re_path(), as django-reversion's URLs are
        return _REGEX_ARGUMENT.sub("{}", text.removeprefix("^").removesuffix("$"))
    return _ROUTE_ARGUMENT.sub("{}", text)


def admin_urls(patterns=None, prefix="/admin/"):
    """(URL template, view) for every URL of the admin site, through the nested resolvers."""
    for entry in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from admin_urls(entry.url_patterns, prefix + url_template(entry))
        else:
            yield prefix + url_template(entry), inspect.unwrap(entry.callback)


def is_ours(view) -> bool:
    """A view written in this project (a custom admin URL, or an override of a library's view)."""
    return view.__module__.split(".")[0] in OUR_APPS


@pytest.fixture
def saved_ids():
    """The id of one saved object per admin page ("app/model/"), to fill an URL's other slots."""
    article = ArticleFactory(tags=[TagFactory()], authors=[AuthorFactory()])
    with create_revision():
        article.save()
    comment = CommentFactory(article=article)
    ModerationDecision.objects.create(comment=comment, from_status="pending", to_status="spam")
    ModerationRule.objects.create(kind="held_word", value="x")
    ImageFactory()
    if not Article.objects.filter(pk=12).exists():
        ArticleFactory(pk=12)  # so that reading "١٢" as 12 would find something
    ids = {}
    for model in apps.get_models():
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            ids[f"/admin/{model._meta.app_label}/{model._meta.model_name}/"] = str(first.pk)
    return ids


@pytest.fixture
def superuser_client():
    browser = Client(raise_request_exception=False)
    browser.force_login(superuser("chief"))
    return browser


def requests_with(bad_id, saved_ids):
    """(URL, view) with `bad_id` in each argument slot in turn, the other slots holding real ids."""
    for template, view in admin_urls():
        slots = template.count("{}")
        saved = next((pk for page, pk in saved_ids.items() if template.startswith(page)), "1")
        for slot in range(slots):
            values = [saved] * slots
            values[slot] = quote(bad_id, safe="%")
            yield template.format(*values), view


def test_the_walk_reaches_the_views_this_project_adds():
    """The walk below sees the compare, revision, undo and live coverage views, so its verdict
    means something."""
    ours = {view.__name__ for template, view in admin_urls() if "{}" in template and is_ours(view)}
    assert {"compare_view", "revision_view", "undo_view"} <= ours
    assert {"live_view", "live_key_event_view", "live_delete_view", "live_end_view"} <= ours


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_a_nonsense_id_in_any_admin_url_is_never_a_server_error(
    bad_id, saved_ids, superuser_client
):
    """A bad id anywhere in an admin URL: 404 from our views, Django's 404 or redirect otherwise."""
    failures = []
    for url, view in requests_with(bad_id, saved_ids):
        # Both ways for every view: a superset of the views that take POST.
        for method in ("get", "post"):
            response = getattr(superuser_client, method)(url)
            wanted = "404" if is_ours(view) else "below 500"
            if response.status_code >= 500 or (is_ours(view) and response.status_code != 404):
                error = response.exc_info[1] if response.exc_info else None
                failures.append(
                    f"{method.upper()} {url} ({view.__qualname__}): {response.status_code}, "
                    f"wanted {wanted}; {error!r}"
                )
    assert not failures, "\n".join(failures)
