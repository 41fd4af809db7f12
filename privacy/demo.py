"""Demo data rights: member@example.com's export of their own data, ready to download
from /settings/export/ (built here, at once, without its email). A second run finds it
and changes nothing."""

from __future__ import annotations

from .exports import export_build
from .models import Export


def seed(people: dict) -> None:
    member = people.get("member@example.com")
    if member is None or Export.objects.of_person(member).current().exists():
        return
    export = Export.objects.create(kind=Export.Kind.PERSON, requested_by=member)
    export_build(export_id=export.pk, notify=False)
