"""The stored search vector of Outcome on PostgreSQL, kept by a trigger in the
community's language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_community_language"),
        ("outcomes", "0005_confidencerating"),
    ]

    operations = [
        AddSearchVector(
            model_name="Outcome",
            weighted=[("statement", "A"), ("why", "B")],
        ),
    ]
