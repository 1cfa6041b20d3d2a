"""A row inserted unless one like it is there already, in one statement.

Django's way to insert a row that a unique constraint may refuse is a savepoint around the
insert, to catch the IntegrityError and carry on: three statements where one will do. A comment
post made three such inserts (its reader's rate-limit row, its spent form token, the reader's
new session), nine round trips to the database inside its write transaction (#8).
"""

from django.db import connections, router


def insert_unless_present(model, **values) -> bool:
    """Insert one `model` row of `values` (field names; a foreign key by its `_id`) unless a
    unique constraint already holds such a row: True if it was inserted. `INSERT … ON CONFLICT
    DO NOTHING` (PostgreSQL, SQLite 3.24+), which fails nothing and so needs no savepoint."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    params = [
        field.get_db_prep_save(values[name], connection)
        for name, field in zip(values, fields, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model, quoted; the values are parameters.
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            params,
        )
        return cursor.rowcount == 1
