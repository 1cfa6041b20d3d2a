from django.db import migrations

from newsportal.roles import group_operation

GROUP = "Editors"
# Write and publish articles; manage sections, tags, authors, images and related links.
# Nothing of users, groups or comment moderation.
ARTICLE_MODELS = ["article", "section", "tag", "author", "image", "byline", "relatedlink"]
PERMISSIONS = [
    ("articles", f"{action}_{model}")
    for model in ARTICLE_MODELS
    for action in ("view", "add", "change", "delete")
] + [("articles", "publish_article")]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_edit_version_and_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [group_operation(GROUP, PERMISSIONS)]
