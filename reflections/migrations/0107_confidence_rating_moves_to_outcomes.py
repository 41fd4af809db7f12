"""Confidence ratings move to the outcomes app (issue 13), and the link turns around.

Before: reflections.ReflectionConfidence held `reflection` (a one-to-one up to the
reflection). After: outcomes.ConfidenceRating (outcomes' 0005 adopted the same table,
reflections_reflectionconfidence, so no rating row is copied or lost) and the reflection
points down to its rating through `Reflection.confidence_rating`.

Steps, each reversible: add the new column on reflections_reflection; copy every link
from the old `reflection_id` column onto it; drop the old column; forget
ReflectionConfidence in this app's state (its table now belongs to outcomes' model); and
relabel its content type, so permissions and admin history follow the model.
"""

import django.db.models.deletion
from django.db import migrations, models


def links_down(apps, schema_editor):
    """Each reflection takes the rating that pointed up to it."""
    Reflection = apps.get_model("reflections", "Reflection")
    Old = apps.get_model("reflections", "ReflectionConfidence")
    pairs = Old.objects.filter(reflection__isnull=False).values_list("reflection_id", "pk")
    for reflection_id, rating_id in pairs.iterator():
        Reflection.objects.filter(pk=reflection_id).update(confidence_rating_id=rating_id)


def links_up(apps, schema_editor):
    """The reverse: each rating points up to the reflection that recorded it again."""
    Reflection = apps.get_model("reflections", "Reflection")
    Old = apps.get_model("reflections", "ReflectionConfidence")
    pairs = Reflection.objects.filter(confidence_rating__isnull=False).values_list(
        "confidence_rating_id", "pk"
    )
    for rating_id, reflection_id in pairs.iterator():
        Old.objects.filter(pk=rating_id).update(reflection_id=reflection_id)


def relabel(apps, schema_editor, *, old: tuple[str, str], new: tuple[str, str]) -> None:
    # Skipped when the new label already exists (a later post_migrate made it): then the old
    # row is a stale one that Django's remove_stale_contenttypes can clear.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new[0], model=new[1]).exists():
        return
    ContentType.objects.using(db).filter(app_label=old[0], model=old[1]).update(
        app_label=new[0], model=new[1]
    )


OLD_LABEL = ("reflections", "reflectionconfidence")
NEW_LABEL = ("outcomes", "confidencerating")


def relabel_forwards(apps, schema_editor):
    relabel(apps, schema_editor, old=OLD_LABEL, new=NEW_LABEL)


def relabel_backwards(apps, schema_editor):
    relabel(apps, schema_editor, old=NEW_LABEL, new=OLD_LABEL)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("outcomes", "0005_confidencerating"),
        ("reflections", "0106_impactstory_moves_to_impact"),
    ]

    operations = [
        migrations.AddField(
            model_name="reflection",
            name="confidence_rating",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reflection",
                to="outcomes.confidencerating",
            ),
        ),
        migrations.RunPython(links_down, links_up),
        migrations.RemoveField(model_name="reflectionconfidence", name="reflection"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReflectionConfidence")],
            database_operations=[],
        ),
        migrations.RunPython(relabel_forwards, relabel_backwards),
    ]
