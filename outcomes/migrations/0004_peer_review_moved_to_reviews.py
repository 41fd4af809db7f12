"""Peer review moved to the `reviews` app: outcomes forgets the four models in the
migration state only. Their tables stay (reviews/0001 adopts them with the same
db_table), so no row is copied or lost and nothing here touches the database.

This migration runs before reviews/0001 and never names the reviews app, so outcomes
stays below reviews even in its migrations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_peer_review"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReviewReply"),
                migrations.DeleteModel(name="PeerReview"),
                migrations.DeleteModel(name="ReviewRound"),
                migrations.DeleteModel(name="SharedWork"),
            ],
            database_operations=[],
        ),
    ]
