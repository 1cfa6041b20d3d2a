from django.db import migrations

from newsportal.roles import grant_group_permissions, revoke_group_permissions

# Editors keep the old addresses of a moved site working, and add their own (#10).
GROUP = "Editors"
PERMISSIONS = [
    ("articles", f"{action}_redirect") for action in ("view", "add", "change", "delete")
]


def grant(apps, schema_editor):
    grant_group_permissions(apps, GROUP, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_redirect")]

    operations = [migrations.RunPython(grant, revoke)]
