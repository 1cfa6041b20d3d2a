from django.db import migrations

from newsportal.roles import permissions_operation

# Editors run live coverage: they post, change and delete its updates (#13).
PERMISSIONS = [
    ("articles", f"{action}_liveupdate") for action in ("view", "add", "change", "delete")
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0019_live_coverage")]

    operations = [permissions_operation("Editors", PERMISSIONS)]
