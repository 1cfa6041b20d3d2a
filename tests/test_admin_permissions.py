"""Who may open what in the admin: anonymous, moderator, editor and superuser, every page."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles.pages import Page
from articles.redirects import Redirect
from comments.models import ModerationDecision, ModerationRule
from comments.tasks import notify_moderators
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    LiveUpdateFactory,
    TagFactory,
    staff_member,
    superuser,
)

pytestmark = pytest.mark.django_db

VIEWS = ("changelist", "add", "change", "delete", "history")
# Pages no role may use, by design: comments come from readers; the log is append-only.
NEVER = {
    ("comments", "comment", "add"),
    ("comments", "moderationdecision", "add"),
    ("comments", "moderationdecision", "delete"),
    # The task queue's records are written by the worker, read by superusers.
    ("django_tasks_database", "dbtaskresult", "add"),
    ("django_tasks_database", "dbtaskresult", "delete"),
    # Login records are written by django-axes; a superuser unlocks by deleting attempts.
    ("axes", "accessattempt", "add"),
    ("axes", "accesslog", "add"),
    ("axes", "accessfailurelog", "add"),
}
# What each group may do with each model (besides the "never" set).
ARTICLE_MODELS = {"article", "section", "tag", "author", "image", "redirect", "page", "liveupdate"}
GRANTS = {
    "moderator": {
        ("comments", "comment"): {"changelist", "change", "history"},
        ("comments", "moderationrule"): set(VIEWS),
        ("comments", "moderationdecision"): {"changelist", "change", "history"},
    },
    "editor": {("articles", model): set(VIEWS) for model in ARTICLE_MODELS},
}


def objects():
    """One saved object of every model the admin manages."""
    article = ArticleFactory()
    comment = CommentFactory(article=article)
    return {
        ("articles", "article"): article,
        ("articles", "section"): article.section,
        ("articles", "tag"): TagFactory(),
        ("articles", "author"): AuthorFactory(),
        ("articles", "image"): ImageFactory(),
        ("articles", "redirect"): Redirect.objects.create(old_path="/?p=1", article=article),
        ("articles", "page"): Page.objects.create(title="About us", path="/about/"),
        ("articles", "liveupdate"): LiveUpdateFactory(),
        ("comments", "comment"): comment,
        ("comments", "moderationrule"): ModerationRule.objects.create(kind="held_word", value="x"),
        ("comments", "moderationdecision"): ModerationDecision.objects.create(
            comment=comment, from_status="pending", to_status="approved"
        ),
        ("auth", "user"): get_user_model().objects.create_user("someone"),
        ("auth", "group"): Group.objects.get(name="Editors"),
        ("django_tasks_database", "dbtaskresult"): DBTaskResult.objects.get(
            id=notify_moderators.enqueue().id
        ),
        ("axes", "accessattempt"): AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", failures_since_start=1, **LOGIN_RECORD
        ),
        ("axes", "accesslog"): AccessLog.objects.create(username="someone", **LOGIN_RECORD),
        ("axes", "accessfailurelog"): AccessFailureLog.objects.create(
            username="someone", **LOGIN_RECORD
        ),
    }


LOGIN_RECORD = {"user_agent": "Test", "http_accept": "text/html", "path_info": "/admin/login/"}


def url_for(app, model, view, obj):
    base = f"/admin/{app}/{model}/"
    return {
        "changelist": base + ("?all=1" if model == "comment" else ""),
        "add": base + "add/",
        "change": f"{base}{obj.pk}/change/",
        "delete": f"{base}{obj.pk}/delete/",
        "history": f"{base}{obj.pk}/history/",
    }[view]


def client_for(role):
    browser = Client()
    if role == "anonymous":
        return browser
    if role == "superuser":
        user = superuser(role)
    else:
        user = staff_member(role, {"moderator": "Moderators", "editor": "Editors"}[role])
    browser.force_login(user)
    return browser


def expected(role, app, model, view):
    if role == "anonymous":
        return 302  # to the login page
    if (app, model, view) in NEVER:
        return 403
    if role == "superuser":
        return 200
    return 200 if view in GRANTS[role].get((app, model), set()) else 403


@pytest.mark.parametrize("role", ["anonymous", "moderator", "editor", "superuser"])
def test_permission_matrix_for_every_admin_page(role):
    things = objects()
    registered = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    assert set(things) == registered, "a new admin page needs a row in this matrix"
    browser = client_for(role)
    wrong = []
    for (app, model), obj in things.items():
        for view in VIEWS:
            url = url_for(app, model, view, obj)
            status = browser.get(url).status_code
            if status != expected(role, app, model, view):
                wrong.append(f"{url}: {status}, expected {expected(role, app, model, view)}")
    assert wrong == []


ACTIONS = [
    ("/admin/comments/comment/?all=1", "approve_selected", "comment", {"moderator", "superuser"}),
    (
        "/admin/comments/comment/?all=1",
        "mark_selected_as_spam",
        "comment",
        {"moderator", "superuser"},
    ),
    ("/admin/articles/article/", "publish_selected", "article", {"editor", "superuser"}),
    ("/admin/articles/article/", "unpublish_selected", "live", {"editor", "superuser"}),
]


@pytest.mark.parametrize("role", ["anonymous", "moderator", "editor", "superuser"])
@pytest.mark.parametrize(("url", "action", "kind", "allowed"), ACTIONS)
def test_permission_matrix_for_every_admin_action(role, url, action, kind, allowed):
    article = ArticleFactory(status="draft")
    comment = CommentFactory(status="pending")
    live = ArticleFactory()
    target = {"article": article, "live": live, "comment": comment}[kind]
    before = (target.status, getattr(target, "published_at", None))
    response = client_for(role).post(url, {"action": action, "_selected_action": [target.pk]})
    target.refresh_from_db()
    changed = (target.status, getattr(target, "published_at", None)) != before
    if role in allowed:
        assert response.status_code == 302 and changed
    else:
        assert not changed
        assert response.status_code in (302, 403)  # anonymous → login; staff → forbidden


# The pages the article admin adds for live coverage (#13): editors run it, no one else.
LIVE_PAGES = [
    ("get", "/admin/articles/article/{article}/live/"),
    ("post", "/admin/articles/article/{article}/live/{update}/key-event/"),
    ("post", "/admin/articles/article/{article}/live/{update}/publish/"),
    ("post", "/admin/articles/article/{article}/live/{update}/delete/"),
    ("post", "/admin/articles/article/{article}/live/end/"),
]


@pytest.mark.parametrize("role", ["anonymous", "moderator", "editor", "superuser"])
@pytest.mark.parametrize(("method", "url"), LIVE_PAGES)
def test_permission_matrix_for_the_live_coverage_pages(role, method, url):
    update = LiveUpdateFactory(status="draft")
    url = url.format(article=update.article_id, update=update.pk)
    response = getattr(client_for(role), method)(
        url, {"key_event": "1"} if method == "post" else {}
    )
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif role == "moderator":
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if method == "get" else 302)
