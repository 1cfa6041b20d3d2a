"""Editors in the admin: publishing, previews, sanitising, conflicts, revisions."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_form
from tests.factories import ArticleFactory, CommentFactory, SectionFactory, staff_member, superuser

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def save(client, article, **changes):
    data = article_form(client, change_url(article))
    for key, value in changes.items():
        data[key] = value if isinstance(value, list) else [value]
    return client.post(change_url(article), data)


def test_article_list_shows_state_and_comment_counts_in_fixed_queries(
    editor_client, django_assert_max_num_queries
):
    section = SectionFactory()
    draft = ArticleFactory(headline="Draft one", status=Article.Status.DRAFT, section=section)
    ArticleFactory(headline="Timed one", published_at=timezone.now() + timedelta(days=1))
    live = ArticleFactory(headline="Live one", section=section)
    CommentFactory.create_batch(2, article=live, status="pending")
    CommentFactory.create_batch(3, article=live, status="approved")
    html = editor_client.get("/admin/articles/article/").content.decode()
    row = html.split("Live one</a>")[1].split("</tr>")[0]
    assert "Published" in row and ">2</a>" in row and ">3</td>" in row
    assert "Scheduled" in html.split("Timed one</a>")[1].split("</tr>")[0]
    assert "Draft" in html.split("Draft one</a>")[1].split("</tr>")[0]
    with django_assert_max_num_queries(20) as few:
        editor_client.get("/admin/articles/article/")
    ArticleFactory.create_batch(30, section=section)
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get("/admin/articles/article/")
    assert draft


def test_publish_and_unpublish_actions(editor_client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    timed = ArticleFactory(
        status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(hours=3)
    )
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk, timed.pk]},
    )
    draft.refresh_from_db()
    timed.refresh_from_db()
    assert draft.state == "Published"
    assert timed.state == "Scheduled"  # a future time schedules rather than publishes now
    editor_client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.state == "Draft"
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_drafts_and_scheduled_articles_marked_and_never_indexed(editor_client):
    draft = ArticleFactory(headline="Not out yet", status=Article.Status.DRAFT)
    timed = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    for article, words in ((draft, "This is a draft"), (timed, "Scheduled for")):
        response = editor_client.get(article.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Preview." in html and words in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert response["Cache-Control"] == "no-store, private"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert Client().get(article.get_absolute_url()).status_code == 404
    published = ArticleFactory()
    response = editor_client.get(published.get_absolute_url())
    assert "Preview." not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


def test_admin_links_to_view_on_site_or_preview(editor_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    html = editor_client.get(change_url(draft)).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in html and ">Preview</a>" in html


def test_admin_index_shows_drafts_scheduled_and_pending(client):
    admin = superuser("root")
    client.force_login(admin)
    ArticleFactory.create_batch(2, status=Article.Status.DRAFT)
    ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    CommentFactory(status="pending")
    html = client.get("/admin/").content.decode()
    assert "<strong>2</strong> drafts" in html
    assert "<strong>1</strong> scheduled article<" in html
    assert "<strong>1</strong> comment awaiting moderation" in html


def test_body_is_sanitised_when_saved_through_the_admin(editor_client):
    article = ArticleFactory()
    pasted_from_word = (
        '<p class="MsoNormal" style="margin:0cm;font-family:Calibri"><span lang="EN-GB" '
        'style="mso-ansi-language:EN-GB">Clean <b>words</b><o:p></o:p></span></p>'
        '<p onclick="steal()">Click <a href="javascript:alert(1)">here</a></p>'
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    response = save(editor_client, article, body=pasted_from_word)
    assert response.status_code == 302
    article.refresh_from_db()
    for unsafe in ("<script", "onclick", "onerror", "javascript:", "style=", "Mso", "<o:p"):
        assert unsafe not in article.body, unsafe
    assert "<p>Clean <b>words</b></p>" in article.body


def test_a_second_editor_cannot_silently_overwrite_the_first(client, editor):
    """Both open the article; the second save is refused, says what changed, keeps the text."""
    article = ArticleFactory(headline="Bridge opens", standfirst="The old summary.")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(staff_member("bo", "Editors", first_name="Bo"))
    first_form = article_form(first, change_url(article))
    second_form = article_form(second, change_url(article))

    first_form["headline"] = ["Bridge opens after delay"]
    assert first.post(change_url(article), first_form).status_code == 302

    second_form["standfirst"] = ["My new summary, typed with care."]
    response = second.post(change_url(article), second_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ed saved this article after you opened it" in html
    assert "<del>Bridge opens after delay</del>" in html or "after delay</del>" in html
    assert "My new summary, typed with care.</textarea>" in html
    article.refresh_from_db()
    assert article.headline == "Bridge opens after delay"
    assert article.standfirst == "The old summary."

    # Having seen the differences, saving again keeps the second editor's version.
    resubmit = article_form_from_html(html)
    assert second.post(change_url(article), resubmit).status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "My new summary, typed with care."


def article_form_from_html(html):
    from tests.admin_forms import form_values

    return form_values(html, "article_form")


def test_every_save_keeps_a_revision_that_can_be_compared_and_restored(editor_client, editor):
    article = ArticleFactory(headline="First headline", body="<p>First body.</p>")
    save(editor_client, article, headline="Second headline", body="<p>Second body.</p>")
    save(editor_client, article, headline="Third headline")
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 2
    assert all(v.revision.user == editor for v in versions)

    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert "Compare the two versions" in history.content.decode()
    compare = editor_client.get(
        f"/admin/articles/article/{article.pk}/history/compare/",
        {"from": versions[1].pk, "to": versions[0].pk},
    ).content.decode()
    assert "<del>Second</del> <ins>Third</ins> headline" in compare

    older = versions[1]
    revision_url = f"/admin/articles/article/{article.pk}/history/{older.pk}/"
    data = article_form(editor_client, revision_url)
    assert data["headline"] == ["Second headline"]
    assert editor_client.post(revision_url, data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert "Second body." in article.body


def test_compare_with_nonsense_versions_is_404(editor_client):
    article = ArticleFactory()
    url = f"/admin/articles/article/{article.pk}/history/compare/"
    assert editor_client.get(url, {"from": "x", "to": "1"}).status_code == 404
    assert editor_client.get(url).status_code == 404


def test_create_editor_makes_an_editor_who_can_write_but_not_moderate(monkeypatch, client):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "a-Long-enough-pass-42")
    call_command("create_editor", "erin", "--email", "erin@example.org")
    user = get_user_model().objects.get(username="erin")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("articles.publish_article")
    client.force_login(user)
    assert client.get("/admin/articles/article/add/").status_code == 200
    assert client.get("/admin/comments/comment/?all=1").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_publishing_from_the_list_is_a_revision_too(editor_client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT)
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == editor
    assert version.field_dict["status"] == "published"


def test_an_article_taken_down_and_put_back_keeps_its_date(editor_client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    original = article.published_at
    for action in ("unpublish_selected", "publish_selected"):
        response = editor_client.post(
            "/admin/articles/article/",
            {"action": action, "_selected_action": [article.pk]},
            follow=True,
        )
    assert "Published or scheduled 1 article." in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    article.refresh_from_db()
    assert article.state == "Published"
    assert article.published_at == original


@pytest.mark.parametrize("model", ["tag", "section", "author"])
def test_a_name_of_control_characters_only_is_refused_with_a_message(model):
    """Control characters are dropped before the checks, so a name of nothing but them is
    "required", not stored as "" (and a second one is not a unique-constraint 500)."""
    browser = Client(raise_request_exception=False)
    browser.force_login(superuser("chief"))
    for attempt in range(2):
        response = browser.post(
            f"/admin/articles/{model}/add/", {"name": "\x01\x0b", "slug": f"s{attempt}"}
        )
        assert response.status_code == 200, attempt
        assert "This field cannot be blank." in response.content.decode()
