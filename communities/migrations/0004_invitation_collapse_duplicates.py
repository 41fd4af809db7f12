"""Before one live invitation per address and community becomes a constraint (0005), the
duplicates double submits left behind are collapsed: the newest live invitation of each
address and community stays, and the older ones are withdrawn (kept, marked revoked, so
the invitations page still shows their history and their links stop working)."""

from django.db import migrations
from django.db.models.functions import Lower
from django.utils import timezone


def collapse_duplicate_live_invitations(apps, schema_editor):
    Invitation = apps.get_model("communities", "Invitation")
    live = (
        Invitation.objects.filter(accepted_at=None, revoked_at=None)
        .annotate(address=Lower("email"))
        .order_by("community_id", "address", "-sent_at", "-pk")
        .values_list("pk", "community_id", "address")
    )
    older, seen = [], set()
    for pk, community_id, address in live.iterator():
        if (community_id, address) in seen:
            older.append(pk)
        else:
            seen.add((community_id, address))
    for start in range(0, len(older), 1000):
        Invitation.objects.filter(pk__in=older[start : start + 1000]).update(
            revoked_at=timezone.now()
        )


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0003_journeys_invitations_suggestions"),
    ]

    operations = [
        migrations.RunPython(collapse_duplicate_live_invitations, migrations.RunPython.noop),
    ]
