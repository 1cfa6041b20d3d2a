from django.db import migrations

from newsportal.roles import permissions_operation

# Editors write the pages outside the news (About us, Contact), a moved site's among them (#10).
PERMISSIONS = [("articles", f"{action}_page") for action in ("view", "add", "change", "delete")]


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_page")]

    operations = [permissions_operation("Editors", PERMISSIONS)]
