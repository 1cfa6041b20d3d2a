"""What every in-process benchmark stands on: a throw-away test database."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import setup_databases, setup_test_environment, teardown_databases


@contextmanager
def throwaway_database(*, keep: bool = False):
    """A test database (on DATABASE_URL's server where it is set) for the length of the block,
    dropped after it; `keep` keeps it, and reuses a kept one, for the next run."""
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False, keepdb=keep)
    try:
        yield
    finally:
        if keep:
            print(f"Kept database {connection.settings_dict['NAME']}.")
        else:
            teardown_databases(databases, verbosity=0)
