"""Set-based writes the ORM has no method for: INSERT … SELECT and UPDATE … FROM a query.

Both take querysets and splice in their compiled SQL, so filters, joins, aggregates and
windows stay ORM expressions; only the statement around them is written here. PostgreSQL and
SQLite (≥ 3.33 for UPDATE … FROM) both run them.
"""

from django.db import connections
from django.db.models import QuerySet


def _columns(connection, model, fields) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(model._meta.get_field(name).column) for name in fields)


def _select(queryset: QuerySet, names) -> tuple[str, tuple]:
    """The queryset's SQL selecting exactly `names`, in that order (and unordered)."""
    queryset = queryset.order_by().values(*names)
    # Django ≥ 5.2 keeps values()' order in the SELECT list; check rather than trust it.
    if list(queryset.query.selected or ()) != list(names):
        raise ValueError(f"SELECT list {queryset.query.selected} is not {list(names)}")
    return queryset.query.sql_with_params()


def insert_from_select(model, queryset: QuerySet, fields: dict[str, str]) -> int:
    """INSERT INTO model's table the rows of `queryset`; `fields` maps each field of `model`
    to the queryset's field or annotation that fills it. Returns the number of rows."""
    connection = connections[queryset.db]
    sql, params = _select(queryset, list(fields.values()))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({_columns(connection, model, fields)}) {sql}", params)
        return cursor.rowcount


def update_from_select(model, queryset: QuerySet, fields: dict[str, str], *, key="pk") -> int:
    """UPDATE model's rows from `queryset`, joined on the primary key: `queryset`'s `key`
    names the row; `fields` maps each field to set to the annotation holding its value."""
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    sql, params = _select(queryset, [key, *fields.values()])
    table = quote(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(model._meta.get_field(name).column)} = q.c{index}"
        for index, name in enumerate(fields, start=1)
    )
    aliases = ", ".join(f"c{index}" for index in range(len(fields) + 1))
    statement = (
        f"WITH q ({aliases}) AS ({sql}) "
        f"UPDATE {table} SET {assignments} FROM q "
        f"WHERE {table}.{quote(model._meta.pk.column)} = q.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def cte(name: str, queryset: QuerySet, names) -> tuple[str, tuple]:
    """`name (names…) AS (queryset's SQL)`: a WITH item whose columns are named here, so
    joins refer to them without guessing the compiled aliases."""
    quote = connections[queryset.db].ops.quote_name
    sql, params = _select(queryset, list(names))
    return f"{name} ({', '.join(quote(n) for n in names)}) AS ({sql})", params


def update_from_values(model, *, key: str, fields, rows, where: dict) -> int:
    """UPDATE `fields` of model's rows from (key, *values) tuples, joined on `key` and
    restricted by `where` (field → value); batched to the database's parameter limit."""
    connection = connections["default"]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = lambda name: quote(model._meta.get_field(name).column)  # noqa: E731
    width = len(fields) + 1
    assignments = ", ".join(f"{column(name)} = v.c{i}" for i, name in enumerate(fields, start=1))
    conditions = "".join(f" AND {table}.{column(name)} = %s" for name in where)
    limit = connection.features.max_query_params
    size = (limit - len(where)) // width if limit else len(rows) or 1
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    aliases = ", ".join(f"c{i}" for i in range(width))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"WITH v ({aliases}) AS (VALUES {', '.join([placeholder] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{column(key)} = v.c0{conditions}",
                [value for row in batch for value in row] + list(where.values()),
            )
            updated += cursor.rowcount
    return updated


def insert_sql(model, fields, select: str, params, *, with_: str = "") -> int:
    """INSERT INTO model's table the rows of a SELECT written by hand, whose columns are
    `fields` (of `model`) in that order; `with_` is its WITH clause (params in text order)."""
    connection = connections["default"]
    table = connection.ops.quote_name(model._meta.db_table)
    head = f"{with_} " if with_ else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{head}INSERT INTO {table} ({_columns(connection, model, fields)}) {select}", params
        )
        return cursor.rowcount
