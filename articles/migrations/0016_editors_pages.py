from django.db import migrations

from newsportal.roles import grant_group_permissions, revoke_group_permissions

# Editors write the pages outside the news (About us, Contact), a moved site's among them (#10).
GROUP = "Editors"
PERMISSIONS = [("articles", f"{action}_page") for action in ("view", "add", "change", "delete")]


def grant(apps, schema_editor):
    grant_group_permissions(apps, GROUP, PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_page")]

    operations = [migrations.RunPython(grant, revoke)]
