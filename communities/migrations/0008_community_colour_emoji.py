"""A community's colour and emoji (issue 14, "look like a place people gather"). Existing
communities get a colour from their name, the same way avatars pick one (core.looks.tone_for),
so each keeps a stable look of its own rather than every one turning teal. The palette's
keys and the hash are written out here, frozen, so this migration means the same thing
whatever the palette becomes later."""

import unicodedata
import zlib

import core.looks
from django.db import migrations, models

KEYS = ["teal", "green", "blue", "violet", "plum", "rose", "rust", "amber"]


def tone_for(name):
    text = unicodedata.normalize("NFC", str(name or "")).casefold().strip()
    return KEYS[zlib.crc32(text.encode("utf-8")) % len(KEYS)]


def colour_from_name(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    changed = []
    for community in Community.objects.only("pk", "name").iterator():
        community.colour = tone_for(community.name)
        changed.append(community)
    Community.objects.bulk_update(changed, ["colour"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0007_membership_introduction"),
    ]

    operations = [
        migrations.AddField(
            model_name="community",
            name="colour",
            field=models.CharField(
                choices=[
                    ("teal", "Teal"),
                    ("green", "Green"),
                    ("blue", "Blue"),
                    ("violet", "Violet"),
                    ("plum", "Plum"),
                    ("rose", "Rose"),
                    ("rust", "Rust"),
                    ("amber", "Amber"),
                ],
                default="teal",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="community",
            name="emoji",
            field=models.CharField(
                blank=True, max_length=16, validators=[core.looks.validate_emoji]
            ),
        ),
        migrations.RunPython(colour_from_name, migrations.RunPython.noop),
    ]
