import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_create_moderator_makes_a_staff_member_of_the_moderators(monkeypatch, client):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "a-Long-enough-pass-42")
    call_command("create_moderator", "mira", "--email", "mira@example.org")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "mira", "password": "a-Long-enough-pass-42"}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    user = get_user_model().objects.get(username="mira")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Moderators"]
    assert client.get("/admin/comments/comment/?status__exact=pending").status_code == 200


def test_create_moderator_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_moderator", "weak")
