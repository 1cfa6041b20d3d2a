import io
from datetime import timedelta
from importlib import import_module

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.live.models import LiveUpdate
from articles.models import Article, Author, Byline, Image, RelatedLink, Section, Tag
from newsportal.staff import staff_member_create


def jpeg_bytes(width=800, height=450, colour="#336699", exif=None) -> bytes:
    buffer = io.BytesIO()
    picture = PILImage.new("RGB", (width, height), colour)
    if exif is not None:
        picture.save(buffer, "JPEG", exif=exif)
    else:
        picture.save(buffer, "JPEG")
    return buffer.getvalue()


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="picture.jpg"))
    alt_text = "A blue rectangle"
    caption = "A caption"
    credit = "Staff Photographer"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-number-{n}")
    standfirst = "A short summary of the story."
    body = "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, position=position)


class RelatedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedLink

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)


class LiveUpdateFactory(factory.django.DjangoModelFactory):
    """A published update of a live article, a minute old; posted through no service (tests of
    the services and pages post their own)."""

    class Meta:
        model = LiveUpdate

    article = factory.SubFactory(ArticleFactory, is_live=True)
    headline = ""
    body = factory.Sequence(lambda n: f"<p>Update number {n} from the scene.</p>")
    byline = "Staff reporter"
    status = LiveUpdate.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comments.Comment"

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    status = "approved"
    ip_address = "192.0.2.10"


# --- staff (#12: one way to make a staff user in tests) -----------------------------------------

# Passes the site's password validators, as `staff_member_create` requires; browser tests type it.
STAFF_PASSWORD = "a-Strong-staff-pass-123"

# The data migrations that give each role's group its permissions (their PERMISSIONS lists).
# tests/test_roles.py checks that groups made again from these match the migrated ones.
ROLE_MIGRATIONS = {
    "Editors": [
        "articles.migrations.0003_editors_group",
        "articles.migrations.0012_editors_redirects",
        "articles.migrations.0016_editors_pages",
        "articles.migrations.0020_editors_live_updates",
        "comments.migrations.0003_editors_set_comment_mode",
    ],
    "Moderators": ["comments.migrations.0002_moderators_group"],
}


def role_group(name: str) -> Group:
    """The role's group; made again from the migrations' permission lists when a transactional
    test (live server, several processes) has flushed the database, which removes it."""
    group = Group.objects.filter(name=name).first()
    if group is not None:
        return group
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    group = Group.objects.create(name=name)
    for module in ROLE_MIGRATIONS[name]:
        for app_label, codename in import_module(module).PERMISSIONS:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def staff_member(username: str, group_name: str, *, password: str = STAFF_PASSWORD, **fields):
    """A staff user in a role's group, made by the function behind `manage.py create_editor` and
    `create_moderator`; `fields` (first_name, ...) are then set on the account. For pytest
    fixtures (tests/conftest.py: `editor`, `moderator`) and `setUpTestData` alike."""
    role_group(group_name)
    user = staff_member_create(
        username=username,
        group_name=group_name,
        email=f"{username}@example.org",
        password=password,
    )
    if fields:
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
    return user


def superuser(username: str = "chief", *, password: str = STAFF_PASSWORD):
    """A superuser, made as `manage.py createsuperuser` makes one (the user manager's
    `create_superuser`): for tests of what only a superuser may do, or of every admin page."""
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", password)
