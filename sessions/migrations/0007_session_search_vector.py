"""The stored search vector of Session on PostgreSQL, kept by a trigger in the
community's language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_community_language"),
        ("cop_sessions", "0006_series"),
    ]

    operations = [
        AddSearchVector(
            model_name="Session",
            weighted=[("title", "A"), ("description", "B")],
            extra=[
                (
                    "SELECT string_agg(title || ' ' || description, ' ') "
                    "FROM cop_sessions_agendaitem WHERE session_id = NEW.id",
                    "C",
                )
            ],
            touched_by=[("cop_sessions_agendaitem", "session_id")],
        ),
    ]
