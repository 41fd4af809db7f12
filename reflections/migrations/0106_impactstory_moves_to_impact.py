"""Impact stories move to the impact app (issue 13): out of this app's state only.

The table reflections_impactstory and its link tables (…_sessions, …_outcomes, …_actions)
stay where they are, rows and all; impact's 0001_initial takes the model into its state
with the same table names, right after this migration.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reflections", "0105_reflection_recent_idx"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImpactStory")],
            database_operations=[],
        ),
    ]
