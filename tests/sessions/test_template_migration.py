"""The data migration sessions/0005 gives every community that existed before templates the
built-in ones: a database at 0004 holding communities (one already with a template of a
built-in's name, one with a built-in given by hand) comes out with each built-in once per
community, its items in order, and nothing of its own template changed; and back again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sessions.builtin_templates import BUILTIN_TEMPLATES
from sessions.models import SessionTemplate
from tests.factories import CommunityFactory

APP = "cop_sessions"
BEFORE = [(APP, "0004_session_templates")]
AFTER = [(APP, "0005_builtin_templates")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # A fresh executor reads the applied migrations again, as the next `migrate` would.
    return MigrationExecutor(connection)


def library(model, community_id) -> dict[str, list[tuple]]:
    """A community's templates by name, each with its items (title, minutes, kind)."""
    return {
        template.name: [
            (item.title, item.minutes, item.kind)
            for item in template.items.order_by("position", "pk")
        ]
        for template in model.objects.filter(community_id=community_id).order_by("name")
    }


@pytest.mark.django_db(transaction=True)
def test_existing_communities_get_the_built_ins_once_and_keep_their_own():
    executor = migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldTemplate = old_apps.get_model(APP, "SessionTemplate")
    OldItem = old_apps.get_model(APP, "TemplateItem")
    plain, customised, archived = CommunityFactory(), CommunityFactory(), CommunityFactory()
    archived.archived = True
    archived.save()
    # customised already calls a template of its own "Show and tell", and has the retro.
    own = OldTemplate.objects.create(
        community_id=customised.pk, name="Show and tell", duration_minutes=30
    )
    OldItem.objects.create(template=own, position=0, title="Demo day", minutes=30)
    OldTemplate.objects.create(
        community_id=customised.pk, name="Our retro", builtin="retro", duration_minutes=45
    )

    try:
        executor = migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        NewTemplate = new_apps.get_model(APP, "SessionTemplate")

        expected = {
            plan["name"]: [(i["title"], i["minutes"], i["kind"]) for i in plan["items"]]
            for plan in BUILTIN_TEMPLATES
        }
        assert library(NewTemplate, plain.pk) == expected
        assert library(NewTemplate, archived.pk) == expected
        assert library(NewTemplate, customised.pk) == {
            "Clinic on real work": expected["Clinic on real work"],
            "Our retro": [],
            "Show and tell": [("Demo day", 30, "activity")],
        }
        # The model the site runs reads what the migration wrote.
        clinic = SessionTemplate.objects.get(community=plain, builtin="clinic")
        assert clinic.title_pattern == "Clinic on real work, {date}"
        assert clinic.items.first().get_kind_display() == "review our open actions"

        executor = migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldTemplate = old_apps.get_model(APP, "SessionTemplate")
        assert list(OldTemplate.objects.order_by("pk").values_list("name", flat=True)) == [
            "Show and tell"
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
