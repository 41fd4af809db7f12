"""`User.is_organisation_admin` (accounts/0008) starts true for whoever already administers
an organisation, so the header offers them the organisations' page. Backwards, nothing to
undo (the field goes with accounts/0008)."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    OrganisationRole = apps.get_model("communities", "OrganisationRole")
    admins = OrganisationRole.objects.filter(user=OuterRef("pk"), role="admin")
    User.objects.update(is_organisation_admin=Exists(admins))


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0017_organisation_invitations"),
        ("accounts", "0008_user_is_organisation_admin"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
