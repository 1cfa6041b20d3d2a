"""`manage.py backup` / `restore` (#9): an online, consistent snapshot of database and media,
put back exactly, on SQLite and on PostgreSQL."""

import hashlib
import json
from pathlib import Path

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from reversion.models import Version

from articles.models import Article, Image
from comments.models import Comment, ModerationDecision
from comments.services import comment_moderate
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    TagFactory,
)

# pg_dump and pg_restore see only committed rows, and a restore replaces whole tables.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_of_its_own(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def content_types_as_stored():
    """Revisions name their model's content type. An earlier test that emptied the database
    (a live-server test) had the content types made again under new ids, while this process
    kept the old ones in ContentType's cache."""
    ContentType.objects.clear_cache()


def newsroom():
    """Articles with pictures, tags, bylines and revisions; threaded, moderated comments."""
    with reversion.create_revision():
        lead = ArticleFactory(
            headline="Flood barrier holds",
            featured_image=ImageFactory(alt_text="The barrier at dawn"),
            tags=[TagFactory(name="Floods")],
            authors=[AuthorFactory(name="Ines Okafor")],
        )
    with reversion.create_revision():
        lead.standfirst = "The barrier held through the night."
        lead.save()
    ArticleFactory(headline="Council votes on the harbour", featured_image=ImageFactory())
    question = CommentFactory(article=lead, body="Will it hold next winter?")
    CommentFactory(article=lead, parent=question, body="It was built for a 1-in-200 year flood.")
    comment_moderate(comment=CommentFactory(article=lead, status="pending"), to_status="approved")
    return lead


def state() -> dict:
    """What readers and editors would see, row for row, and the pictures' bytes."""
    return {
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "headline", "standfirst", "body", "status"
            )
        ),
        "comments": list(
            Comment.objects.order_by("pk").values_list(
                "pk", "article", "parent", "thread", "body", "status"
            )
        ),
        "decisions": list(ModerationDecision.objects.values_list("comment", "to_status")),
        "revisions": list(
            Version.objects.order_by("pk").values_list("object_id", "serialized_data")
        ),
        "images": [
            (
                image.pk,
                image.file.name,
                hashlib.sha256(Path(image.file.path).read_bytes()).hexdigest(),
            )
            for image in Image.objects.order_by("pk")
        ],
    }


def test_a_restore_puts_back_articles_comments_images_and_revisions(tmp_path, settings):
    settings.PAGE_CACHE = settings.FRAGMENT_CACHE = True
    lead = newsroom()
    before = state()
    assert len(before["revisions"]) >= 2 and len(before["images"]) == 2
    call_command("backup", str(tmp_path / "backup"))

    # Everything a bad day can do: comments deleted, an article edited and another removed,
    # a picture's file lost, a new article written since.
    Comment.objects.all().delete()
    Article.objects.filter(pk=lead.pk).update(headline="Vandalised")
    Article.objects.exclude(pk=lead.pk).delete()
    Path(Image.objects.first().file.path).unlink()
    ArticleFactory(headline="Written after the backup")
    # The vandalised page, kept by the page cache and its parts by the fragment cache.
    assert "Vandalised" in Client().get(lead.get_absolute_url()).content.decode()

    call_command("restore", str(tmp_path / "backup"), "--noinput")

    assert state() == before
    page = Client().get(lead.get_absolute_url()).content.decode()
    assert "Flood barrier holds" in page and "Vandalised" not in page
    assert "Will it hold next winter?" in page
    # The site goes on: new rows get ids of their own.
    later = CommentFactory(article=Article.objects.get(pk=lead.pk))
    assert later.pk > max(pk for pk, *_ in before["comments"])


def test_the_backup_is_the_moment_it_was_taken_not_what_others_are_writing(tmp_path):
    """Online: a write another connection has not committed is in neither the snapshot nor
    its counts, and the backup does not wait for it."""
    newsroom()
    committed = Comment.objects.count()
    other = connection.copy()
    try:
        other.connect()
        other.set_autocommit(False)
        with other.cursor() as cursor:
            table = connection.ops.quote_name(Comment._meta.db_table)
            cursor.execute(f"UPDATE {table} SET body = 'uncommitted'")  # noqa: S608
            call_command("backup", str(tmp_path / "backup"))
        other.rollback()
    finally:
        other.close()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"]["comments.Comment"] == committed
    Comment.objects.all().delete()
    call_command("restore", str(tmp_path / "backup"), "--noinput")
    assert "uncommitted" not in set(Comment.objects.values_list("body", flat=True))
    assert Comment.objects.count() == committed


def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(tmp_path):
    newsroom()
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    before = state()

    with pytest.raises(CommandError, match="not a newsportal backup"):
        call_command("restore", str(tmp_path / "nowhere"), "--noinput")

    database_file = next(backup.glob("database.*"))
    good = database_file.read_bytes()
    database_file.write_bytes(good[:-100])
    with pytest.raises(CommandError, match="not the file this backup wrote"):
        call_command("restore", str(backup), "--noinput")
    database_file.write_bytes(good)

    manifest = json.loads((backup / "manifest.json").read_text())
    foreign = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    (backup / "manifest.json").write_text(json.dumps({**manifest, "database": foreign}))
    with pytest.raises(CommandError, match=f"holds a {foreign} database"):
        call_command("restore", str(backup), "--noinput")

    (backup / "manifest.json").write_text("{not json")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("restore", str(backup), "--noinput")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    assert state() == before
