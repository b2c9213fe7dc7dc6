"""PostgreSQL only: the GIN index for full-text search and trigram similarity for typos."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches the lower-cased search_text column instead
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS product_search_idx ON catalog_product USING GIN (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS product_title_trgm_idx ON catalog_product USING GIN (title gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS product_search_idx")
    schema_editor.execute("DROP INDEX IF EXISTS product_title_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
