"""Editors' picks and the order of a thread (#11): picks come first with a badge, have their own
view and are the article's comments in its JSON-LD; readers sort oldest, newest or picks first;
a comment's permalink lands on the page that shows it, in every order."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.models import Comment, ModerationDecision
from comments.services import comment_feature, decision_undo
from comments.threads import Order, page_of
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def thread(db, settings):
    """Five top-level comments an hour apart (one with a reply), two to a page."""
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory()
    start = timezone.now() - timedelta(days=1)
    roots = []
    for number in range(5):
        comment = CommentFactory(
            article=article, status=Comment.Status.APPROVED, body=f"Root {number}"
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(hours=number))
        roots.append(Comment.objects.get(pk=comment.pk))
    reply = CommentFactory(
        article=article, parent=roots[3], status=Comment.Status.APPROVED, body="Reply"
    )
    return article, roots, reply


def bodies_on(client, url) -> list[str]:
    html = client.get(url).content.decode()
    return [part.split("</p>")[0] for part in html.split('<div class="comment-body"><p>')[1:]]


def test_a_pick_comes_first_with_a_badge_and_is_logged(client, thread):
    article, roots, _ = thread
    decision = comment_feature(comment=roots[3])
    assert decision.action == ModerationDecision.Action.FEATURE
    html = client.get(article.get_absolute_url()).content.decode()
    assert bodies_on(client, article.get_absolute_url()) == ["Root 3", "Reply", "Root 0"]
    card = html.split(f'id="comment-{roots[3].pk}"')[1].split("</article>")[0]
    assert "Editors' pick" in card
    assert html.count('class="badge-pick"') == 1
    # Undone, it is one comment among others again.
    decision_undo(decision=decision)
    assert bodies_on(client, article.get_absolute_url()) == ["Root 0", "Root 1"]


def test_only_an_approved_comment_can_be_a_pick(thread):
    article, _, _ = thread
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    with pytest.raises(ValidationError, match="Only an approved comment"):
        comment_feature(comment=pending)


def test_picks_have_their_own_view_and_are_the_articles_comments_in_json_ld(client, thread):
    article, roots, reply = thread
    comment_feature(comment=roots[1])
    comment_feature(comment=reply)
    page = client.get(f"{article.get_absolute_url()}?show=picks").content.decode()
    assert bodies_on(client, f"{article.get_absolute_url()}?show=picks") == ["Root 1", "Reply"]
    assert "Editors' picks only (2)" in page
    assert f'href="/comments/{reply.pk}/">See it in the thread' in page
    plain = client.get(article.get_absolute_url()).content.decode()
    schema = json.loads(plain.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert [c["text"] for c in schema["comment"]] == ["Root 1", "Reply"]
    assert schema["comment"][1]["url"] == f"http://testserver/comments/{reply.pk}/"
    assert schema["comment"][0]["author"] == {"@type": "Person", "name": roots[1].name}


def test_readers_sort_oldest_newest_or_picks_first(client, thread):
    article, roots, _ = thread
    comment_feature(comment=roots[2])
    url = article.get_absolute_url()
    assert bodies_on(client, url) == ["Root 2", "Root 0"]
    assert bodies_on(client, f"{url}?order=oldest") == ["Root 0", "Root 1"]
    assert bodies_on(client, f"{url}?order=newest") == ["Root 4", "Root 3", "Reply"]
    assert bodies_on(client, f"{url}?order=newest&comments=2") == ["Root 2", "Root 1"]
    assert bodies_on(client, f"{url}?order=nonsense") == ["Root 2", "Root 0"]
    # The pages' links keep the order.
    html = client.get(f"{url}?order=newest").content.decode()
    assert 'href="?comments=2&amp;order=newest#comments" rel="next">Older comments' in html
    assert '<span aria-current="true">Newest first</span>' in html


@pytest.mark.parametrize("order", [Order.PICKS, Order.OLDEST, Order.NEWEST])
def test_a_permalink_lands_on_the_page_that_shows_the_comment(client, thread, order):
    article, roots, reply = thread
    comment_feature(comment=roots[4])
    for comment in [*roots, reply]:
        response = client.get(f"/comments/{comment.pk}/", {"order": order})
        assert response.status_code == 302
        location = response["Location"]
        assert location.endswith(f"#comment-{comment.pk}")
        page = client.get(location.split("#")[0]).content.decode()
        assert f'id="comment-{comment.pk}"' in page, (order, comment.body, location)
        assert page_of(comment, own_ids=[], order=order) >= 1


def test_a_permalink_never_shows_a_held_comment_to_others(client, thread, moderator):
    article, _, _ = thread
    held = CommentFactory(article=article, status=Comment.Status.PENDING)
    assert client.get(f"/comments/{held.pk}/").status_code == 404
    assert client.get("/comments/999999/").status_code == 404
    # A moderator's "view on site" from the admin leads to its place.
    client.force_login(moderator)
    response = client.get(f"/comments/{held.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{held.pk}")


def test_moderators_feature_from_the_queue_and_the_comments_page(client, thread, moderator, editor):
    article, roots, _ = thread
    client.force_login(moderator)
    client.post(f"{QUEUE}?all=1", {"action": "feature_selected", "_selected_action": [roots[0].pk]})
    assert Comment.objects.get(pk=roots[0].pk).is_featured
    picks = client.get(f"{QUEUE}?all=1&pick=yes")
    assert list(picks.context["cl"].result_list) == [roots[0]]
    inline = {f"decisions-{name}_FORMS": "0" for name in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")}
    client.post(f"{QUEUE}{roots[0].pk}/change/", {"_feature": "0", "body": roots[0].body, **inline})
    assert not Comment.objects.get(pk=roots[0].pk).is_featured
    client.force_login(editor)
    client.post(f"{QUEUE}?all=1", {"action": "feature_selected", "_selected_action": [roots[1].pk]})
    assert not Comment.objects.get(pk=roots[1].pk).is_featured
