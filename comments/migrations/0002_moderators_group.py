from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
# Moderate and edit comments, keep the block/hold lists, set an article's comment mode, read
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


def create_group(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
