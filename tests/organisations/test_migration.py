"""Organisations arrived (communities/0013–0015): a database holding communities,
memberships and leaders migrates to one default organisation that holds every community,
whose leaders are exactly today's leaders; nothing else changes, and the way back works."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migrating import heads_before, nodes

BEFORE = "0012_quiet_spells_and_checkins"


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def new_heads() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_heads() -> list[tuple[str, str | None]]:
    return heads_before("communities", BEFORE)


@pytest.mark.django_db(transaction=True)
def test_existing_communities_and_leaders_go_into_one_default_organisation():
    executor = migrate(old_heads())
    try:
        apps = executor.loader.project_state(nodes(old_heads())).apps
        User = apps.get_model("accounts", "User")
        Community = apps.get_model("communities", "Community")
        Membership = apps.get_model("communities", "Membership")
        lee = User.objects.create(email="lee@example.org", is_leader=True)
        lia = User.objects.create(email="lia@example.org", is_leader=True)
        sam = User.objects.create(email="sam@example.org")
        communities = [
            Community.objects.create(name=name, slug=name.lower(), domain="d", visibility=vis)
            for name, vis in (("Riverside", "open"), ("Hillside", "invite"), ("Old", "request"))
        ]
        Membership.objects.create(community=communities[0], user=sam, role="coordinator")
        before = sorted(Community.objects.values_list("pk", "name", "slug", "visibility"))
        members_before = sorted(Membership.objects.values_list("pk", "community_id", "user_id"))

        executor = migrate(new_heads())
        apps = executor.loader.project_state(new_heads()).apps
        Organisation = apps.get_model("communities", "Organisation")
        Role = apps.get_model("communities", "OrganisationRole")
        Community = apps.get_model("communities", "Community")
        Membership = apps.get_model("communities", "Membership")
        (default,) = Organisation.objects.all()
        assert default.is_default and default.slug == "default"
        assert sorted(Community.objects.values_list("pk", "name", "slug", "visibility")) == before
        assert set(Community.objects.values_list("organisation_id", flat=True)) == {default.pk}
        assert sorted(Membership.objects.values_list("pk", "community_id", "user_id")) == (
            members_before
        )
        assert set(Role.objects.values_list("organisation_id", "user_id", "role")) == {
            (default.pk, lee.pk, "leader"),
            (default.pk, lia.pk, "leader"),
        }

        executor = migrate(old_heads())
        apps = executor.loader.project_state(nodes(old_heads())).apps
        Community = apps.get_model("communities", "Community")
        assert sorted(Community.objects.values_list("pk", "name", "slug", "visibility")) == before
        leaders = apps.get_model("accounts", "User").objects.filter(is_leader=True)
        assert set(leaders.values_list("pk", flat=True)) == {lee.pk, lia.pk}
    finally:
        migrate(new_heads())


@pytest.mark.django_db(transaction=True)
def test_whoever_administers_an_organisation_gets_the_admin_flag():
    """communities/0018: `User.is_organisation_admin` starts true for today's admins (so
    the header offers them the organisations' page), and false for everyone else."""
    before = heads_before("communities", "0017_organisation_invitations")
    executor = migrate(before)
    try:
        apps = executor.loader.project_state(nodes(before)).apps
        User = apps.get_model("accounts", "User")
        Organisation = apps.get_model("communities", "Organisation")
        Role = apps.get_model("communities", "OrganisationRole")
        clinics = Organisation.objects.create(name="Clinics", slug="clinics")
        ada = User.objects.create(email="ada@example.org")
        lee = User.objects.create(email="lee@example.org", is_leader=True)
        sam = User.objects.create(email="sam@example.org")
        Role.objects.create(organisation=clinics, user=ada, role="admin")
        Role.objects.create(organisation=clinics, user=lee, role="leader")

        executor = migrate(new_heads())
        User = executor.loader.project_state(new_heads()).apps.get_model("accounts", "User")

        flags = dict(User.objects.values_list("email", "is_organisation_admin"))
        assert {e: flags[e] for e in (ada.email, lee.email, sam.email)} == {
            "ada@example.org": True,
            "lee@example.org": False,
            "sam@example.org": False,
        }
    finally:
        migrate(new_heads())
