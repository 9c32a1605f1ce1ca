"""Plain SQL for the derived rows (links and vectors).

The ORM's delete() would fetch every row and send a signal for each (other apps listen to every
deletion), which costs more than the work itself; these rows are nobody's business but ours."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def in_lists(values, size: int = 500):
    """`values` in chunks, each with its placeholders for an IN (...) clause (databases limit
    how many parameters one statement takes)."""
    values = list(values)
    for i in range(0, len(values), size):
        chunk = values[i:i + size]
        yield chunk, ", ".join(["%s"] * len(chunk))
