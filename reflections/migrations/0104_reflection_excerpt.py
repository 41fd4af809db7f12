from django.db import migrations, models

BATCH = 2000


def fill_excerpts(apps, schema_editor):
    # The same function the model's save() uses: historical models have no custom save().
    from reflections.markdown import excerpt

    Reflection = apps.get_model("reflections", "Reflection")
    batch = []
    for reflection in Reflection.objects.only("pk", "body").order_by("pk").iterator(BATCH):
        reflection.excerpt = excerpt(reflection.body, 200)
        batch.append(reflection)
        if len(batch) == BATCH:
            Reflection.objects.bulk_update(batch, ["excerpt"])
            batch = []
    Reflection.objects.bulk_update(batch, ["excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0103_confidence_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="reflection",
            name="excerpt",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop),
    ]
