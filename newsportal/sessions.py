"""Sessions in the database, as Django keeps them, that a view may save inside its own write.

A comment post stores the comment and, in the reader's session, their claim to it. Saved by the
session middleware after the view, the session is a second write transaction on every post (on
SQLite, a second wait for the one write lock, where a waiting writer sleeps in steps of
milliseconds). Saved by the view inside the comment's transaction, it is one; the middleware's
save then writes nothing, once that transaction has committed what it would have written.
"""

import copy

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router, transaction
from django.utils.crypto import get_random_string

from .inserts import insert_unless_present


class SessionStore(DatabaseSessionStore):
    # (key, data) as last committed to the database by this store.
    _committed = None
    # The key this store created a row for, in a transaction that may yet roll back.
    _created = None

    def _get_new_session_key(self):
        # Without Django's look for the key first: a query inside a comment post's write
        # transaction, for 32 random characters. Were one ever taken, the insert fails and
        # create() draws another.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if not must_create and self._committed == (self.session_key, self._session):
            return
        try:
            self._write(must_create)
        except UpdateError:
            if self.session_key != self._created:
                raise
            # Its row was created in a transaction that rolled back: created again.
            self._session_key = None
            self._write(must_create=False)
            return
        if must_create:
            self._created = self.session_key
        state = (self.session_key, copy.deepcopy(self._session))
        # Known to be in the database only once its transaction commits: rolled back, the
        # middleware saves it again.
        using = router.db_for_write(self.model)
        transaction.on_commit(lambda: setattr(self, "_committed", state), using=using)

    def _write(self, must_create: bool) -> None:
        """Django's save, without its savepoint around the write (two more round trips inside
        a comment post's transaction, #8): a new row by an insert that cannot fail, an existing
        one by an update that says whether it found its row."""
        if self.session_key is None:
            self.create()
            return
        row = self.create_model_instance(self._get_session(no_load=must_create))
        columns = {"session_data": row.session_data, "expire_date": row.expire_date}
        if must_create:
            if not insert_unless_present(self.model, session_key=row.session_key, **columns):
                raise CreateError  # the key is taken: create() draws another
        elif not self.model.objects.filter(session_key=row.session_key).update(**columns):
            raise UpdateError
