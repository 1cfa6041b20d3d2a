"""Pages that stand outside the news: "About us", "Contact", "Corrections policy", at the
addresses they had (a moved WordPress site's pages, #10), written by editors in the admin.

Answered by the last route of the site: any address no other page has is looked up here.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsportal.front_cache import purge

from . import html
from .models import TypedText


class Page(TypedText):
    title = models.CharField(max_length=200)
    path = models.CharField(
        "address",
        max_length=300,
        unique=True,
        help_text="Where it is read, from the site's root: /about/ or /about/team/.",
    )
    body = models.TextField(blank=True, help_text="Stored as sanitised HTML.")
    is_published = models.BooleanField("published", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "articles"
        ordering = ["path"]

    def __str__(self):
        return self.title

    def clean(self):
        self.path = normal_path(self.path)
        if self.path == "/":
            raise ValidationError({"path": "The front page's address is the home page's."})

    def save(self, *args, **kwargs):
        self.path = normal_path(self.path)
        self.body = html.sanitise_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.path


def normal_path(path: str) -> str:
    """/about/ however it was typed: about, /about, about/."""
    return "/" + "/".join(part for part in path.strip().split("/") if part) + "/"


@receiver([post_save, post_delete], sender=Page)
def page_changed(sender, instance: Page, raw=False, **kwargs):
    if not raw:
        purge({f"page-{instance.pk}"})
