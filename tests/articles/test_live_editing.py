"""Editors running live coverage (#13): the quick editor page, the updates' admin, ending it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.live import services
from articles.live.models import LiveUpdate
from newsportal import front_cache
from tests.admin_forms import form_values
from tests.factories import ArticleFactory, ImageFactory, LiveUpdateFactory, staff_member

pytestmark = pytest.mark.django_db


def quick_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/live/"


def endpoint_ids(article) -> list[int]:
    """The updates a reader's page is told of (an anonymous reader, as the crowd is)."""
    response = Client().get(f"/live/{article.pk}/updates.json")
    assert response.status_code == 200
    return [update["id"] for update in response.json()["updates"]]


def post_update(client, article, **fields):
    data = {"headline": "", "body": "<p>Crowds gather at the harbour.</p>", **fields}
    return client.post(quick_url(article), data)


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def live_article(db):
    return ArticleFactory(headline="Storm reaches the coast", is_live=True)


@pytest.fixture
def purged(settings, monkeypatch):
    """The keys each purge sent to the front cache."""
    settings.FRONT_CACHE_PURGE_URLS = ["http://cache.invalid/"]
    sent: list[str] = []
    monkeypatch.setattr(front_cache, "send_purge", lambda keys: sent.extend(keys))
    return sent


# --- posting ---------------------------------------------------------------------------------


def test_the_quick_page_posts_an_update_in_one_action(editor_client, live_article):
    """The form at the top of the page, sent as it is with a body typed in: the update is public,
    in the endpoint, signed by the editor, and the page says so."""
    html = page_text(editor_client.get(quick_url(live_article)))
    # The body editor's import map is an inline script: without the request's nonce the strict
    # CSP refuses it and the editor never starts (tests/browser/test_live_editor.py types in it).
    assert '<script type="importmap" nonce="' in html
    data = form_values(html, "live-post-form")
    assert {"headline", "body", "image", "published_at"} <= set(data)
    data["body"] = ["<p>The sea wall has been breached at the promenade.</p>"]
    data["headline"] = ["Sea wall breached"]
    response = editor_client.post(quick_url(live_article), data, follow=True)
    update = live_article.live_updates.get()
    assert response.redirect_chain == [(quick_url(live_article), 302)]
    assert update.is_public and update.headline == "Sea wall breached"
    assert update.byline == "Ed" and update.edited_at is None
    assert endpoint_ids(live_article) == [update.pk]
    html = page_text(response)
    assert "Posted at" in html and "readers see it now" in html
    assert "The sea wall has been breached" in html  # listed under the form


def test_an_update_carries_a_picture_and_a_key_event(editor_client, live_article):
    picture = ImageFactory()
    post_update(editor_client, live_article, image=picture.pk, is_key_event="on")
    update = live_article.live_updates.get()
    assert update.image == picture and update.is_key_event
    html = page_text(editor_client.get(quick_url(live_article)))
    assert "Key event" in html and "Unpin key event" in html


def test_the_body_is_sanitised_and_an_empty_one_refused(editor_client, live_article):
    response = post_update(editor_client, live_article, body="<p></p>")
    assert response.status_code == 200
    assert "Write the update first." in page_text(response)
    assert "The update was not posted" in page_text(response)
    post_update(editor_client, live_article, body='<p onclick="x()">Calm<script>x()</script></p>')
    assert live_article.live_updates.get().body == "<p>Calm</p>"


def test_posting_needs_live_coverage_that_has_not_ended(editor_client):
    """A normal article has no form and refuses a post; so does coverage that has ended, and
    the editor's text is kept in the form."""
    normal = ArticleFactory()
    html = page_text(editor_client.get(quick_url(normal)))
    assert "This article is not live coverage" in html and "live-post-form" not in html
    response = post_update(editor_client, normal, body="<p>Kept words</p>")
    assert services.NOT_LIVE in page_text(response) and "Kept words" in page_text(response)

    ended = ArticleFactory(is_live=True, live_ended_at=timezone.now() - timedelta(minutes=5))
    html = page_text(editor_client.get(quick_url(ended)))
    assert "This live coverage has ended" in html and "live-post-form" not in html
    response = post_update(editor_client, ended)
    assert services.ENDED in page_text(response)
    assert not LiveUpdate.objects.exists()


def test_drafts_and_scheduled_updates_are_not_public(editor_client, live_article):
    """They are listed for editors with their state, and never reach the endpoint."""
    later = timezone.localtime() + timedelta(hours=2)
    post_update(editor_client, live_article, body="<p>Not yet checked</p>", as_draft="on")
    response = post_update(
        editor_client,
        live_article,
        body="<p>At noon</p>",
        published_at=later.strftime("%Y-%m-%dT%H:%M"),
    )
    post_update(editor_client, live_article, body="<p>Out now</p>")
    draft, scheduled, public = (
        live_article.live_updates.get(body_text=words)
        for words in ("Not yet checked", "At noon", "Out now")
    )
    assert draft.status == "draft" and scheduled.published_at > timezone.now()
    assert endpoint_ids(live_article) == [public.pk]
    html = page_text(editor_client.get(quick_url(live_article)))
    # Its time, and its day when that is not today (two hours on may be past midnight).
    when = f"{later:%H:%M}" if later.date() == timezone.localdate() else f"{later:%-d %b, %H:%M}"
    assert "Draft" in html and f"Scheduled for {when}" in html
    assert response.status_code == 302
    # The scheduled one goes public by itself at its time.
    with time_machine.travel(later + timedelta(minutes=1)):
        assert endpoint_ids(live_article) == [scheduled.pk, public.pk]


def test_a_draft_is_published_in_one_click_on_top(editor_client, live_article):
    draft = LiveUpdateFactory(
        article=live_article, status="draft", published_at=timezone.now() - timedelta(minutes=20)
    )
    LiveUpdateFactory(article=live_article, published_at=timezone.now() - timedelta(minutes=5))
    response = editor_client.post(f"{quick_url(live_article)}{draft.pk}/publish/", follow=True)
    draft.refresh_from_db()
    assert draft.is_public and draft.edited_at is None
    assert endpoint_ids(live_article)[0] == draft.pk  # the newest, not twenty minutes down
    assert "Posted at" in page_text(response)


def test_two_editors_posting_at_the_same_second_both_land(editor_client, live_article):
    """Each update is a row of its own: no conflict, no lost post."""
    colleague = Client()
    colleague.force_login(staff_member("reporter", "Editors", first_name="Ruth"))
    with time_machine.travel(timezone.now(), tick=False):
        first = post_update(editor_client, live_article, body="<p>From the pier</p>")
        second = post_update(colleague, live_article, body="<p>From the station</p>")
        assert first.status_code == second.status_code == 302
        updates = list(live_article.live_updates.all())
        assert len(updates) == 2 and all(update.is_public for update in updates)
        assert {update.byline for update in updates} == {"Ed", "Ruth"}
        assert updates[0].published_at == updates[1].published_at
        assert sorted(endpoint_ids(live_article)) == sorted(update.pk for update in updates)
    live_article.refresh_from_db()
    assert live_article.edit_version == 0  # the article itself was not touched


# --- editing, pinning, deleting --------------------------------------------------------------


def change_url(update, query="") -> str:
    return f"/admin/articles/liveupdate/{update.pk}/change/{query}"


def edit(client, update, query="", **changes):
    data = form_values(page_text(client.get(change_url(update, query))), "liveupdate_form")
    for name, value in changes.items():
        data[name] = [value]
    return client.post(change_url(update, query), data)


def test_correcting_a_public_update_marks_it_updated(editor_client, live_article):
    update = LiveUpdateFactory(article=live_article, body="<p>Two ferries cancelled.</p>")
    response = edit(editor_client, update, "?from=live", body="<p>Three ferries cancelled.</p>")
    update.refresh_from_db()
    assert update.body == "<p>Three ferries cancelled.</p>" and update.edited_at is not None
    # Back to the quick page the Edit link came from, with the update marked there.
    assert response.status_code == 302
    assert response["Location"] == f"{quick_url(live_article)}#update-{update.pk}"
    assert "Updated" in page_text(editor_client.get(quick_url(live_article)))
    endpoint = Client().get(f"/live/{live_article.pk}/updates.json").json()
    assert endpoint["updates"][0]["edited"] is not None
    # Named as the page names it in its key events: no headline, its opening words.
    assert endpoint["updates"][0]["title"] == "Three ferries cancelled."


def test_editing_a_draft_or_pinning_marks_nothing(editor_client, live_article):
    """Neither is a correction readers need to be told of."""
    draft = LiveUpdateFactory(article=live_article, status="draft")
    edit(editor_client, draft, body="<p>Rewritten before anyone saw it.</p>")
    draft.refresh_from_db()
    assert draft.body == "<p>Rewritten before anyone saw it.</p>" and draft.edited_at is None

    update = LiveUpdateFactory(article=live_article)
    response = editor_client.post(
        f"{quick_url(live_article)}{update.pk}/key-event/", {"key_event": "1"}, follow=True
    )
    update.refresh_from_db()
    assert update.is_key_event and update.edited_at is None
    assert "Pinned as a key event" in page_text(response)
    response = editor_client.post(
        f"{quick_url(live_article)}{update.pk}/key-event/", {"key_event": "0"}, follow=True
    )
    update.refresh_from_db()
    assert not update.is_key_event and update.edited_at is None
    assert "No longer a key event" in page_text(response)


def test_pinning_twice_is_still_pinned(editor_client, live_article):
    """A double click sends the same wish twice; it does not toggle back."""
    update = LiveUpdateFactory(article=live_article)
    for _ in range(2):
        editor_client.post(f"{quick_url(live_article)}{update.pk}/key-event/", {"key_event": "1"})
    update.refresh_from_db()
    assert update.is_key_event


def test_deleting_an_update(editor_client, live_article):
    update = LiveUpdateFactory(article=live_article, headline="Wrong town")
    url = f"{quick_url(live_article)}{update.pk}/delete/"
    assert editor_client.get(url).status_code == 405  # only a form's POST deletes
    response = editor_client.post(url, {"page": "1"}, follow=True)
    assert not LiveUpdate.objects.filter(pk=update.pk).exists()
    assert "Deleted the update of" in page_text(response) and "Wrong town" in page_text(response)
    assert endpoint_ids(live_article) == []


def test_an_update_of_another_article_is_not_found(editor_client, live_article):
    other = LiveUpdateFactory()
    url = f"{quick_url(live_article)}{other.pk}/delete/"
    assert editor_client.post(url).status_code == 404
    assert LiveUpdate.objects.filter(pk=other.pk).exists()


def test_the_updates_admin_posts_through_the_service(editor_client, live_article):
    """A new update from the updates' admin is signed and timed as on the quick page; a normal
    article is refused with the reason."""
    add = "/admin/articles/liveupdate/add/"
    data = form_values(page_text(editor_client.get(add)), "liveupdate_form")
    data.update(article=[str(live_article.pk)], body=["<p>From the admin.</p>"])
    response = editor_client.post(add, data)
    assert response.status_code == 302
    update = live_article.live_updates.get()
    assert update.byline == "Ed" and update.is_public
    assert abs(update.published_at - timezone.now()) < timedelta(minutes=1)
    data["article"] = [str(ArticleFactory().pk)]
    response = editor_client.post(add, data)
    assert response.status_code == 200 and services.NOT_LIVE in page_text(response)


def test_the_updates_admin_deletes_through_the_service(editor_client, live_article):
    update = LiveUpdateFactory(article=live_article)
    response = editor_client.post(
        f"/admin/articles/liveupdate/{update.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not LiveUpdate.objects.exists()


def test_the_updates_list_shows_state_and_finds_by_words(editor_client, live_article):
    LiveUpdateFactory(article=live_article, headline="Bridge closed", is_key_event=True)
    LiveUpdateFactory(article=live_article, headline="Unchecked report", status="draft")
    html = page_text(editor_client.get("/admin/articles/liveupdate/"))
    assert "Bridge closed" in html and "Unchecked report" in html
    html = page_text(editor_client.get("/admin/articles/liveupdate/?state=draft"))
    assert "Unchecked report" in html and "Bridge closed" not in html
    html = page_text(editor_client.get("/admin/articles/liveupdate/?q=bridge"))
    assert "Bridge closed" in html and "Unchecked report" not in html


# --- who may ---------------------------------------------------------------------------------


def test_moderators_and_anonymous_visitors_are_refused(client, moderator, live_article):
    update = LiveUpdateFactory(article=live_article)
    actions = [
        f"{quick_url(live_article)}{update.pk}/key-event/",
        f"{quick_url(live_article)}{update.pk}/delete/",
        f"{quick_url(live_article)}end/",
    ]
    assert client.get(quick_url(live_article)).status_code == 302  # to the login page
    assert "/admin/login/" in client.get(quick_url(live_article))["Location"]
    for url in [quick_url(live_article), *actions]:
        assert client.post(url, {"body": "<p>x</p>", "key_event": "1"}).status_code == 302
    client.force_login(moderator)
    assert client.get(quick_url(live_article)).status_code == 403
    for url in [quick_url(live_article), *actions]:
        assert client.post(url, {"body": "<p>x</p>", "key_event": "1"}).status_code == 403
    update.refresh_from_db()
    live_article.refresh_from_db()
    assert live_article.live_updates.count() == 1 and not update.is_key_event
    assert live_article.live_now


# --- the article's page and ending the coverage ----------------------------------------------


def test_a_live_articles_page_leads_to_the_quick_page_and_ends_it(editor_client, live_article):
    change = f"/admin/articles/article/{live_article.pk}/change/"
    html = page_text(editor_client.get(change))
    assert 'name="is_live"' in html and 'name="live_ended_at_0"' in html
    assert f'href="{quick_url(live_article)}"' in html and "End live coverage" in html
    response = editor_client.post(f"{quick_url(live_article)}end/", follow=True)
    live_article.refresh_from_db()
    assert not live_article.live_now and live_article.live_ended_at is not None
    assert response.redirect_chain == [(change, 302)]
    assert "Live coverage ended at" in page_text(response)
    assert "End live coverage" not in page_text(response)


def test_ending_brings_forward_an_end_set_for_later(editor_client):
    article = ArticleFactory(is_live=True, live_ended_at=timezone.now() + timedelta(hours=3))
    editor_client.post(f"{quick_url(article)}end/", {"return_to": "live"})
    article.refresh_from_db()
    assert not article.live_now and article.live_ended_at <= timezone.now()


def test_a_normal_articles_page_has_no_quick_page_link(editor_client):
    article = ArticleFactory()
    html = page_text(editor_client.get(f"/admin/articles/article/{article.pk}/change/"))
    assert quick_url(article) not in html and "End live coverage" not in html


def test_the_end_action_on_the_article_list(editor_client, live_article):
    normal = ArticleFactory()
    editor_client.post(
        "/admin/articles/article/",
        {"action": "end_live_selected", "_selected_action": [live_article.pk, normal.pk]},
    )
    live_article.refresh_from_db()
    normal.refresh_from_db()
    assert live_article.live_ended_at is not None and not live_article.live_now
    assert normal.live_ended_at is None and not normal.is_live


def test_the_quick_page_reads_a_fixed_number_of_queries(
    editor_client, live_article, django_assert_max_num_queries
):
    """50 updates a page, newest first; more updates cost no more queries."""
    LiveUpdateFactory.create_batch(3, article=live_article, image=ImageFactory())
    with django_assert_max_num_queries(30) as few:
        editor_client.get(quick_url(live_article))
    LiveUpdateFactory.create_batch(60, article=live_article)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor_client.get(quick_url(live_article))
    html = page_text(response)
    assert html.count('id="update-') == 50 and "Page 1 of 2" in html
    assert (
        page_text(editor_client.get(quick_url(live_article) + "?page=2")).count('id="update-') == 13
    )


# --- the front cache -------------------------------------------------------------------------


def test_posting_editing_and_deleting_purge_the_coverage(
    editor_client, live_article, purged, django_capture_on_commit_callbacks
):
    """Readers' pages and the endpoint are purged at once, so the update reaches them."""
    key = f"live-{live_article.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        post_update(editor_client, live_article)
    assert key in purged
    update = live_article.live_updates.get()

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(editor_client, update, body="<p>Corrected.</p>")
    assert key in purged

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"{quick_url(live_article)}{update.pk}/key-event/", {"key_event": "1"})
    assert key in purged

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"{quick_url(live_article)}{update.pk}/delete/")
    assert key in purged

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"{quick_url(live_article)}end/")
    assert key in purged
