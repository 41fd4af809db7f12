"""The stored search vector of Reflection on PostgreSQL, kept by a trigger in the
community's language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_community_language"),
        ("reflections", "0108_reflection_read"),
    ]

    operations = [
        AddSearchVector(
            model_name="Reflection",
            weighted=[("title", "A"), ("body", "B"), ("answers", "C")],
        ),
    ]
