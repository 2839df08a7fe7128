"""Trigram indexes for the site search (portal.search), on PostgreSQL only.

Django's ``icontains`` on PostgreSQL asks ``UPPER(column) LIKE UPPER('%term%')``, so each
index is a GIN trigram index on ``UPPER(column)``: pg_trgm answers LIKE '%…%' from it. On
SQLite (and any other database) this migration does nothing; the search scans there. The
indexes are made here rather than in each model's Meta because SQLite has no GIN: they touch
no model state, so makemigrations sees nothing to do."""

from django.db import migrations

# (app, model, columns): the fields portal.search looks in.
SEARCHED = [
    ("programs", "Pillar", ["title", "overview"]),
    ("programs", "Section", ["title"]),
    ("programs", "Challenge", ["heading", "text"]),
    ("programs", "Initiative", ["title", "lead"]),
    ("programs", "Action", ["text", "group"]),
    ("programs", "Figure", ["title", "text"]),
    ("indicators", "Indicator", ["name", "code", "source", "notes"]),
    ("community", "CommunityResource", ["name", "description", "address", "opening_notes"]),
]


def _indexes(apps, quote):
    """(name, table, column) of each index, quoted (a column may be a keyword: group)."""
    for app, model_name, columns in SEARCHED:
        table = apps.get_model(app, model_name)._meta.db_table
        for column in columns:
            name = f"search_{table}_{column}"[:58] + "_trgm"
            yield quote(name), quote(table), quote(column)


def create_indexes(apps, schema_editor):
    # (GinIndex(OpClass(Upper(…), name="gin_trgm_ops")) would put the operator class inside
    # the expression's parentheses, which PostgreSQL rejects; so the SQL is written out.)
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in _indexes(apps, schema_editor.quote_name):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in _indexes(apps, schema_editor.quote_name):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_department"),
        ("indicators", "0013_rating_rules_final"),
        ("community", "0009_department"),
    ]

    # Not django.contrib.postgres's TrigramExtension: going back, it asks pg_extension
    # whatever the database, which SQLite does not have. The extension stays on the way
    # back (other things may use it); the indexes go.
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
