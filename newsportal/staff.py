"""Staff accounts for the newsroom's roles (Moderators, Editors): one way to make them."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


@transaction.atomic
def staff_member_create(*, username: str, group_name: str, email: str = "", password: str):
    """A staff user in `group_name` (made by that role's data migration); existing: re-grouped."""
    try:
        group = Group.objects.get(name=group_name)
    except Group.DoesNotExist:
        raise CommandError(f"The {group_name} group is missing: run `manage.py migrate`.") from None
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    validate_password(password, user)
    user.email = email or user.email
    user.is_staff = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(group)
    return user


class StaffCommand(BaseCommand):
    """`manage.py create_<role> USERNAME [--email E]`; the password is asked twice, or read
    from the environment variable DJANGO_STAFF_PASSWORD for scripts."""

    group_name = ""

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        password = os.environ.get("DJANGO_STAFF_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = staff_member_create(
                username=username, group_name=self.group_name, email=email, password=password
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} can log in at /admin/ as one of the {self.group_name}."
            )
        )
