"""The site search index: an FTS5 table on SQLite, a tsvector table on PostgreSQL (see
masthead.discovery.search), filled with the articles already published."""

from django.db import migrations


def create_index(apps, schema_editor):
    from masthead.discovery import site_search

    index = site_search.backend_for(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        index.create_schema(cursor)
    site_search.rebuild(model=apps.get_model("newsroom", "Article"), conn=schema_editor.connection)


def drop_index(apps, schema_editor):
    from masthead.discovery import site_search

    with schema_editor.connection.cursor() as cursor:
        site_search.backend_for(schema_editor.connection).drop_schema(cursor)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0002_default_pages")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
