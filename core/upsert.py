"""Many rows in one statement, as arrays: `INSERT … SELECT FROM unnest(…)`.

An ORM `bulk_create` builds a placeholder and adapts a parameter per field per
row (and a model instance per row before that): for thousands of rows that is
most of the write. Here each column travels as one array parameter, so the
statement is the same size for ten rows or ten thousand, and an upsert
(`ON CONFLICT … DO UPDATE`) can say which rows it may overwrite. Triggers
(the history, once per statement) and constraints run as for any INSERT.

Values go to the driver as they are (None, str, int, Decimal, bool, date,
datetime); a JSON field's values are dumped here. A field not given gets its
default (the time of the call for `auto_now` and `auto_now_add`), as `save()`
would give it; an auto primary key comes from its sequence. What else the ORM
does on save (`full_clean`, signals) does not happen.
"""

from __future__ import annotations

import json

from django.db import connection, models
from django.db.models.sql import Query
from django.utils import timezone

from .copy import PLAIN, array_literal


def insert_rows(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple],
    *,
    conflict: list[str] | None = None,
    update: list[str] | None = None,
    update_where: str = "",
    returning: list[str] | None = None,
) -> list[tuple]:
    """INSERT `rows` (tuples of the fields named by attname in `columns`).

    With `conflict` (the fields of a unique constraint) a row that exists is
    updated instead: its `update` fields take the new values, where
    `update_where` (SQL about the existing row, named by the table, and the
    new one, `EXCLUDED`) holds; without `update`, it is left as it is and the
    new row is not written. A constraint with a condition (a partial unique
    index, such as "one open warning per partnership") is named by its fields
    too: its condition is read from the model. Returns the `returning` fields
    of each row written (inserted or updated), in no particular order."""
    if not rows:
        return []
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    table = connection.ops.quote_name(opts.db_table)
    quoted = [connection.ops.quote_name(field.column) for field in fields]
    arrays, params = [], []
    for index, field in enumerate(fields):
        values = [row[index] for row in rows]
        if isinstance(field, models.JSONField):
            values = [None if v is None else json.dumps(v, cls=field.encoder) for v in values]
        if all(type(v) in PLAIN for v in values):
            values = array_literal(values)
        arrays.append(f"%s::{field.cast_db_type(connection)}[]")
        params.append(values)
    defaults, default_params = [], []
    now = timezone.now()
    for field in opts.concrete_fields:
        if field in fields or (field.primary_key and field.db_returning):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
        quoted.append(connection.ops.quote_name(field.column))
        defaults.append(f", %s::{field.cast_db_type(connection)}")
        default_params.append(value)
    sql = (
        f"INSERT INTO {table} ({', '.join(quoted)}) "
        f"SELECT *{''.join(defaults)} FROM unnest({', '.join(arrays)})"
    )
    params = [*default_params, *params]
    if conflict:
        columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in conflict)
        predicate, predicate_params = _partial_index_predicate(model, conflict)
        target = f"({columns}){predicate}"
        params += predicate_params
        if update:
            sets = ", ".join(
                f"{c} = EXCLUDED.{c}"
                for c in (connection.ops.quote_name(opts.get_field(f).column) for f in update)
            )
            sql += f" ON CONFLICT {target} DO UPDATE SET {sets}"
            if update_where:
                sql += f" WHERE {update_where}"
        else:
            sql += f" ON CONFLICT {target} DO NOTHING"
    if returning:
        names = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in returning)
        sql += f" RETURNING {names}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


def _partial_index_predicate(model, conflict: list[str]) -> tuple[str, list]:
    """` WHERE <condition>` of the model's unique constraint on exactly these
    fields, if it has a condition, for PostgreSQL to infer its partial index."""
    fields = {model._meta.get_field(name).name for name in conflict}
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and set(constraint.fields) == fields
            and constraint.condition is not None
        ):
            query = Query(model=model, alias_cols=False)
            where = query.build_where(constraint.condition)
            sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
            return f" WHERE {sql}", list(params)
    return "", []
