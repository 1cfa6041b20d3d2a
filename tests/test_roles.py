"""The newsroom's roles: staff made by the tests' helpers are made as `manage.py create_editor`
and `create_moderator` make them, in groups with the permissions the migrations grant."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import ROLE_MIGRATIONS, STAFF_PASSWORD, role_group, staff_member

pytestmark = pytest.mark.django_db


def _permissions(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.parametrize("name", sorted(ROLE_MIGRATIONS))
def test_a_role_group_made_again_after_a_flush_has_the_migrated_permissions(name):
    """Live-server tests flush the database; the group made again must be the migrated one
    (a migration that grants a role more must be listed in tests.factories.ROLE_MIGRATIONS)."""
    migrated = _permissions(Group.objects.get(name=name))
    Group.objects.filter(name=name).delete()
    assert _permissions(role_group(name)) == migrated


def test_staff_members_sign_in_to_the_admin_with_the_staff_password(client):
    member = staff_member("desk", "Moderators", first_name="Dev")
    assert (member.is_staff, member.is_superuser, member.first_name) == (True, False, "Dev")
    assert list(member.groups.values_list("name", flat=True)) == ["Moderators"]
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "desk", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/admin/"
