"""Password guessing at the admin login: locked per username and per address, clearly, and
liftable by a superuser (django-axes, counted in the database)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import staff_member, superuser

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(db):
    """An editor made as the shared `editor` fixture is, with a password these tests type."""
    return staff_member("editor", "Editors", password="the-right-password")


def log_in(username, password, address="192.0.2.10"):
    """A fresh browser at `address` trying one password; the response."""
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/admin/"


def test_twenty_wrong_passwords_then_the_right_one_is_refused(editor, settings):
    """The attack as found: 20 guesses in a row, then the right password, does not get in."""
    for guess in range(20):
        assert not logged_in(log_in("editor", f"guess-{guess}"))
    response = log_in("editor", "the-right-password")
    assert not logged_in(response)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed attempts to log in" in page
    assert "15 minutes" in page
    assert "superuser" in page


def test_a_few_typos_do_not_lock_anyone_out(editor):
    """Fewer failures than the limit, then the right password: in."""
    for guess in range(4):
        log_in("editor", f"typo-{guess}")
    assert logged_in(log_in("editor", "the-right-password"))


def test_one_account_is_locked_whatever_address_the_guesses_come_from(editor):
    """Guesses spread over many addresses still lock the account they aim at."""
    for n in range(5):
        log_in("editor", "wrong", address=f"198.51.100.{n + 1}")
    assert log_in("editor", "the-right-password", address="203.0.113.9").status_code == 429


def test_one_address_is_locked_whatever_accounts_it_tries(editor):
    """Guesses at many accounts from one address lock that address, and only that address."""
    for n in range(5):
        log_in(f"someone-{n}", "wrong", address="198.51.100.7")
    assert log_in("editor", "the-right-password", address="198.51.100.7").status_code == 429
    assert logged_in(log_in("editor", "the-right-password", address="203.0.113.9"))


def test_the_lock_lifts_by_itself_after_the_cool_off(editor):
    for n in range(5):
        log_in("editor", f"wrong-{n}")
    assert log_in("editor", "the-right-password").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert logged_in(log_in("editor", "the-right-password"))


def test_a_superuser_unlocks_from_the_admin(editor):
    """Axes → Access attempts → delete: the locked-out editor can log in at once."""
    for n in range(5):
        log_in("editor", f"wrong-{n}")
    assert log_in("editor", "the-right-password").status_code == 429
    boss = Client()
    boss.force_login(superuser("boss"))
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = boss.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert logged_in(log_in("editor", "the-right-password"))


def test_the_unlock_commands_work_for_a_superuser_without_the_admin(editor):
    from django.core.management import call_command

    for n in range(5):
        log_in("editor", f"wrong-{n}", address=f"198.51.100.{n + 1}")
    assert log_in("editor", "the-right-password").status_code == 429
    call_command("axes_reset_username", "editor")
    assert logged_in(log_in("editor", "the-right-password"))


def test_login_pages_print_no_stray_markup(editor):
    """Neither the failed-login pages nor the lockout page show template leftovers as text
    (Django's login page printed nonce="…" after every failed attempt)."""
    import re

    for attempt in range(6):
        html = log_in("editor", f"wrong-{attempt}").content.decode()
        visible_text = re.sub(r"<[^>]*>", " ", html)
        assert "nonce=" not in visible_text, attempt
