"""Newsroom roles as auth groups, made and kept by data migrations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_group_permissions(apps, group_name: str, permissions: list[tuple[str, str]]) -> None:
    """Create `group_name` if needed and give it (app_label, codename) permissions.

    For data migrations: permissions are normally created after all migrations have run, so
    they are created here first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for app_label, codename in permissions:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke_group_permissions(apps, group_name: str, permissions: list[tuple[str, str]]) -> None:
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=group_name).first()
    if group:
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label__in={app for app, _ in permissions},
                codename__in={codename for _, codename in permissions},
            )
        )


def group_operation(group_name: str, permissions: list[tuple[str, str]]) -> migrations.RunPython:
    """The data-migration operation that makes a role's group (and removes it on the way back)."""

    def create(apps, schema_editor):
        grant_group_permissions(apps, group_name, permissions)

    def remove(apps, schema_editor):
        apps.get_model("auth", "Group").objects.filter(name=group_name).delete()

    return migrations.RunPython(create, remove)


def permissions_operation(
    group_name: str, permissions: list[tuple[str, str]]
) -> migrations.RunPython:
    """The data-migration operation that gives an existing role's group more permissions (and
    takes them back on the way back, leaving the group)."""

    def grant(apps, schema_editor):
        grant_group_permissions(apps, group_name, permissions)

    def revoke(apps, schema_editor):
        revoke_group_permissions(apps, group_name, permissions)

    return migrations.RunPython(grant, revoke)
