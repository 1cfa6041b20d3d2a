from django.db import migrations

from newsportal.roles import group_operation

GROUP = "Moderators"
# Moderate and edit comments, keep the block/hold lists, see an article's comment mode, read
# the log. Nothing of the articles app: moderators cannot edit articles.
PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "change_comment"),
    ("comments", "moderate_comment"),
    ("comments", "view_moderationrule"),
    ("comments", "add_moderationrule"),
    ("comments", "change_moderationrule"),
    ("comments", "delete_moderationrule"),
    ("comments", "view_moderationdecision"),
    ("comments", "view_articlecommentpolicy"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [group_operation(GROUP, PERMISSIONS)]
