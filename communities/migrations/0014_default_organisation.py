"""Organisations (issue 19): every existing community goes into one default organisation,
and today's leaders (User.is_leader: they saw every community) become its leaders, so
nobody sees less than before and nothing is lost. Backwards, the roles and the default
organisation go again (User.is_leader was never changed)."""

from django.db import migrations

SLUG = "default"
NAME = "Everyone on this site"


def forwards(apps, schema_editor):
    Organisation = apps.get_model("communities", "Organisation")
    OrganisationRole = apps.get_model("communities", "OrganisationRole")
    Community = apps.get_model("communities", "Community")
    User = apps.get_model("accounts", "User")
    organisation = Organisation.objects.filter(is_default=True).first()
    if organisation is None:
        organisation, _ = Organisation.objects.get_or_create(
            slug=SLUG, defaults={"name": NAME, "is_default": True}
        )
    Community.objects.filter(organisation__isnull=True).update(organisation=organisation)
    OrganisationRole.objects.bulk_create(
        [
            OrganisationRole(organisation=organisation, user_id=pk, role="leader")
            for pk in User.objects.filter(is_leader=True).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    Community.objects.update(organisation=None)
    apps.get_model("communities", "OrganisationRole").objects.all().delete()
    apps.get_model("communities", "Organisation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0013_organisations"),
        ("accounts", "0007_notifications"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
