from django.db import migrations

from newsportal.roles import permissions_operation

# Editors keep the old addresses of a moved site working, and add their own (#10).
PERMISSIONS = [("articles", f"{action}_redirect") for action in ("view", "add", "change", "delete")]


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_redirect")]

    operations = [permissions_operation("Editors", PERMISSIONS)]
