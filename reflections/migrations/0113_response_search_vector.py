"""The stored search vector of Response on PostgreSQL, kept by a trigger in the community's
language (core.search.AddSearchVector); nothing on SQLite. A response has no title: its
text weighs as a reflection's body does."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0112_mentions"),
    ]

    operations = [
        AddSearchVector(model_name="Response", weighted=[("body", "B")]),
    ]
