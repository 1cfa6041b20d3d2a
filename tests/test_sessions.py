"""Sessions saved once per change (newsportal/sessions.py), and never lost to a rollback."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newsportal.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


def writes(block) -> int:
    with CaptureQueriesContext(connection) as queries:
        block()
    return sum(
        query["sql"].startswith(("INSERT", "UPDATE")) and "django_session" in query["sql"]
        for query in queries.captured_queries
    )


def test_a_saved_session_is_not_written_again_until_it_changes():
    session = SessionStore()
    session["comments_own"] = [1]
    assert writes(session.save) == 1
    assert writes(session.save) == 0  # the middleware, after a view saved it
    session["comments_own"] = [1, 2]
    assert writes(session.save) == 1
    assert SessionStore(session.session_key)["comments_own"] == [1, 2]


def test_a_session_saved_in_a_transaction_that_rolled_back_is_saved_again():
    session = SessionStore()
    session["comments_own"] = [7]

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        session.save()
        raise Refused
    assert not Session.objects.exists()
    session.save()  # by the middleware: its row made again, under the key the cookie gets
    assert Session.objects.get().session_key == session.session_key
    assert SessionStore(session.session_key)["comments_own"] == [7]
