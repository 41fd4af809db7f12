"""The stored search vector of Theme on PostgreSQL, kept by a trigger in the community's
language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0113_response_search_vector"),
    ]

    operations = [
        AddSearchVector(model_name="Theme", weighted=[("statement", "A")]),
    ]
