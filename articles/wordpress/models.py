from django.db import models


class WordPressOrigin(models.Model):
    """What an imported object was on the WordPress site it came from (#10): a second run finds
    it again (nothing is imported twice; what changed is updated), and old addresses can be
    redirected to it.

    `key` is how the export refers to it: a post's or an attachment's id, an author's login, a
    term's slug (terms are deduplicated on taxonomy and slug, as WordPress does).
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "author"
        CATEGORY = "category", "category"
        TAG = "post_tag", "tag"
        POST = "post", "post"
        PAGE = "page", "page"
        ATTACHMENT = "attachment", "attachment"
        # A file's path under wp-content/uploads, for the addresses in bodies.
        UPLOAD = "upload", "uploaded file"
        # Stored by the comments app's part of the import (comments/wordpress.py).
        COMMENT = "comment", "comment"

    site = models.CharField(max_length=200, help_text="The export's wp:base_site_url.")
    kind = models.CharField(max_length=20, choices=Kind)
    key = models.CharField(max_length=500)
    object_id = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "articles"
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="wordpress_origin_key")
        ]

    def __str__(self):
        return f"{self.site} {self.get_kind_display()} {self.key}"
