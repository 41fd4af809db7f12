"""One live invitation per address and community (issue 12, finding 8): a database
constraint, one email however often (and however fast) the form is sent, and a
migration that collapses the duplicates already made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from accounts.models import EmailDelivery
from communities.models import Invitation
from tests.factories import CommunityFactory, InvitationFactory, MembershipFactory
from tests.racing import race

INVITED = "communities:invitation"


def invite(client, community, emails: str):
    return client.post(f"/c/{community.slug}/invitations/", {"emails": emails}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_two_live_invitations_to_one_address_are_refused_by_the_database(community):
    InvitationFactory(community=community, email="river@example.org")
    InvitationFactory(community=community, email="old@example.org", revoked_at=timezone.now())
    InvitationFactory(community=community, email="old@example.org", accepted_at=timezone.now())
    InvitationFactory(email="river@example.org")  # another community

    InvitationFactory(community=community, email="old@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(community=community, email="River@Example.org")

    assert Invitation.objects.live().filter(community=community).count() == 2


@pytest.mark.django_db
def test_inviting_again_answers_with_the_existing_invitation_and_sends_nothing(
    client, community, member_of, django_capture_on_commit_callbacks
):
    client.force_login(member_of(community, role="facilitator"))

    with django_capture_on_commit_callbacks(execute=True):
        first = invite(client, community, "river@example.org")
        again = invite(client, community, "RIVER@example.org")

    invitation = Invitation.objects.get()
    local = timezone.localtime(invitation.sent_at)
    sent_on = f"{local.day} {local:%b %Y}"
    assert messages_of(first) == ["Invitation sent to river@example.org."]
    assert messages_of(again) == [
        f"RIVER@example.org was already invited on {sent_on}: use Re-send below if it went astray."
    ]
    assert [m.to for m in mail.outbox] == [["river@example.org"]]


@pytest.mark.django_db
def test_inviting_an_address_whose_invitation_expired_sends_that_one_afresh(
    client, community, member_of, django_capture_on_commit_callbacks
):
    expired = InvitationFactory(
        community=community,
        email="river@example.org",
        sent_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    client.force_login(member_of(community, role="facilitator"))

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, community, "river@example.org")

    expired.refresh_from_db()
    assert messages_of(response) == ["Invitation sent to river@example.org."]
    assert Invitation.objects.get() == expired
    assert (expired.nonce, expired.is_usable) == (1, True)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_resending_a_withdrawn_invitation_when_a_newer_one_is_live_is_refused_kindly(
    client, community, member_of, django_capture_on_commit_callbacks
):
    old = InvitationFactory(community=community, email="river@example.org")
    client.force_login(member_of(community, role="facilitator"))
    client.post(f"/c/{community.slug}/invitations/{old.pk}/revoke/")
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, community, "river@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/c/{community.slug}/invitations/{old.pk}/resend/", follow=True)

    old.refresh_from_db()
    assert response.status_code == 200
    assert "river@example.org already has a newer invitation" in messages_of(response)[0]
    assert old.revoked_at is not None
    assert Invitation.objects.live().count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_invitations_to_one_address_make_one_invitation_and_one_email():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL")
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(facilitator)
        clients.append(client)
    statuses = []

    def work():
        response = clients.pop().post(
            f"/c/{community.slug}/invitations/", {"emails": "river@example.org"}
        )
        statuses.append(response.status_code)

    errors = race(work, workers=10)

    assert errors == []
    assert statuses == [302] * 10
    live = Invitation.objects.filter(accepted_at=None, revoked_at=None)
    assert list(live.values_list("email", flat=True)) == ["river@example.org"]
    assert EmailDelivery.objects.filter(kind=INVITED).count() == 1
    assert [m.to for m in mail.outbox] == [["river@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_newest_live_invitation_of_each_address():
    before = [("communities", "0003_journeys_invitations_suggestions")]
    after = [("communities", "0005_invitation_one_live")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Community = apps.get_model("communities", "Community")
    Invitation = apps.get_model("communities", "Invitation")
    here = Community.objects.create(name="Here", slug="here", domain="Rivers.")
    there = Community.objects.create(name="There", slug="there", domain="Rivers.")
    now = timezone.now()

    def row(community, email, days_ago, **fields):
        sent = now - timedelta(days=days_ago)
        return Invitation.objects.create(
            community=community,
            email=email,
            sent_at=sent,
            expires_at=sent + timedelta(days=14),
            **fields,
        ).pk

    oldest = row(here, "river@example.org", 3)
    older = row(here, "River@example.org", 2)
    newest = row(here, "river@EXAMPLE.org", 1)
    used = row(here, "river@example.org", 5, accepted_at=now)
    elsewhere = row(there, "river@example.org", 4)
    alone = row(here, "sea@example.org", 2)

    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    live = set(Invitation.objects.filter(revoked_at=None).values_list("pk", flat=True))
    assert live == {newest, used, elsewhere, alone}
    assert Invitation.objects.filter(pk__in=[oldest, older], revoked_at__isnull=False).count() == 2
