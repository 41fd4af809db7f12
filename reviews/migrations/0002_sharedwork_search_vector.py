"""The stored search vector of SharedWork on PostgreSQL, kept by a trigger in the
community's language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_community_language"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        AddSearchVector(
            model_name="SharedWork",
            weighted=[("title", "A"), ("description", "B")],
        ),
    ]
