"""Counts, straight from the database, the rows that refer to a company: every table of every
installed model with a foreign key to Company, found by introspection so that a model added
later is counted without changing the tests."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.apps import apps
from django.db import connection

from worklens_server.companies.models import Company


def company_tables() -> list[tuple[str, str, str]]:
    """(model label, table, column) of every foreign key to Company, plus Company itself."""
    found = [(Company._meta.label, Company._meta.db_table, "id")]
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Company:
                found.append((model._meta.label, model._meta.db_table, field.column))
    return found


def rows_of_company(company_id: uuid.UUID) -> dict[str, int]:
    value = Company._meta.pk.get_db_prep_value(company_id, connection)  # type: ignore[union-attr]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for label, table, column in company_tables():
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                f"WHERE {connection.ops.quote_name(column)} = %s",
                [value],
            )
            counts[f"{label}.{column}"] = cursor.fetchone()[0]
    return counts


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
