"""The stored search vector of ImpactStory on PostgreSQL, kept by a trigger in the
community's language (core.search.AddSearchVector); nothing on SQLite."""

from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_community_language"),
        ("impact", "0001_initial"),
    ]

    operations = [
        AddSearchVector(
            model_name="ImpactStory",
            weighted=[
                ("title", "A"),
                ("what_happened", "B"),
                ("what_it_gave_us", "C"),
                ("what_we_did_differently", "C"),
                ("what_difference_it_made", "C"),
                ("what_we_now_see_differently", "C"),
            ],
        ),
    ]
