from django.db import migrations

from newsportal.roles import grant_group_permissions, revoke_group_permissions

# Editors (a group the articles app makes) choose whether an article takes comments.
PERMISSIONS = [
    ("comments", f"{action}_articlecommentpolicy") for action in ("view", "add", "change", "delete")
]


def grant(apps, schema_editor):
    grant_group_permissions(apps, "Editors", PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, "Editors", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderators_group"),
        ("articles", "0003_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
