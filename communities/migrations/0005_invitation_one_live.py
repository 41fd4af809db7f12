import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0004_invitation_collapse_duplicates"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                models.F("community"),
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("accepted_at", None), ("revoked_at", None)),
                name="invitation_one_live",
            ),
        ),
    ]
