"""Loading many rows at once (`manage.py generate_content`): ids and times chosen by the loader.

`bulk_create` skips `save()`, and it would stamp every `auto_now` field with the moment of the
insert; a generated archive needs its own ids (a comment's thread points at its root before the
root is stored) and its own times (five years of articles, comments after their article).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models, reset_queries


@contextmanager
def times_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Within the block, `auto_now` and `auto_now_add` fields store the values set on the rows.

    Process-wide while it lasts: meant for a management command or a test, not a web server.
    """
    switched = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            for flag in ("auto_now", "auto_now_add"):
                if getattr(field, flag, False):
                    setattr(field, flag, False)
                    switched.append((field, flag))
    try:
        yield
    finally:
        for field, flag in switched:
            setattr(field, flag, True)


def lock_for_loading(*model_classes: type[models.Model]) -> None:
    """Keep other writers out of these tables until the transaction ends; readers carry on.

    On PostgreSQL only: SQLite allows one writer at a time anyway. Must be called inside
    `transaction.atomic()`.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in model_classes)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def next_id(model: type[models.Model]) -> int:
    """The first id after every stored row of `model`."""
    return (model.objects.aggregate(last=models.Max("pk"))["last"] or 0) + 1


def store(model: type[models.Model], rows: list[dict]) -> None:
    """Insert `rows` of `model`, each a dict of field attnames; absent fields get their default.

    On PostgreSQL by COPY, which at a million rows takes a fraction of the time of INSERT
    statements (`bulk_create` spends more in building the SQL than the database in running it);
    elsewhere by `bulk_create`. Either way nothing of `save()` runs: rows carry what it would
    derive. Use inside `times_as_given(model)` for `auto_now` fields to keep their values.
    """
    if not rows:
        return
    given = rows[0].keys()
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.attname in given or not (field.primary_key or field.has_db_default())
    ]
    if connection.vendor == "postgresql":
        defaults = {field.attname: field.get_default() for field in fields}
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row.get(attname, default) for attname, default in defaults.items()])
    else:
        model.objects.bulk_create([model(**row) for row in rows])
    reset_queries()  # under DEBUG, the log of a million rows' SQL would fill the memory


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After rows were stored with explicit ids: the database's next id follows the last one."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyse(*model_classes: type[models.Model]) -> None:
    """After a bulk load, on PostgreSQL: fresh planner statistics, and the visibility map that
    lets index-only scans skip the table (autovacuum would get there, minutes later).

    Inside a transaction (a test's), the statistics only: VACUUM cannot run there.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in model_classes)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass
