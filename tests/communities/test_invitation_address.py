"""An invitation belongs to the address it was sent to (issue 12, finding 11): only a person
who has verified that address may use it, and the invitations page shows who joined."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.http import urlencode

from communities.invitations import invitation_token
from communities.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def link_to(invitation: Invitation) -> str:
    return f"/invitations/{invitation_token(invitation)}/"


def test_someone_elses_link_is_refused_plainly_and_changes_nothing(client):
    invitation = InvitationFactory(email="river@example.org")
    stranger = UserFactory(email="stranger@example.org")
    client.force_login(stranger)

    page = client.get(link_to(invitation))
    accepted = client.post(link_to(invitation))

    invitation.refresh_from_db()
    text = page.content.decode()
    assert page.status_code == 403
    assert "This invitation was sent to <strong>river@example.org</strong>" in text
    assert "stranger@example.org" in text
    assert "ask the community for a new invitation" in text
    assert f"Join {invitation.community.name}</button>" not in text
    assert accepted.status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()
    assert (invitation.accepted_at, invitation.accepted_by, invitation.is_usable) == (
        None,
        None,
        True,
    )


def test_the_address_on_the_account_but_unverified_is_refused_with_a_way_to_verify(client):
    invitation = InvitationFactory(email="river@example.org")
    person = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=person, email="River@example.org", verified=False)
    client.force_login(person)

    page = client.get(link_to(invitation))
    accepted = client.post(link_to(invitation))

    text = page.content.decode()
    assert page.status_code == 403
    assert "isn't verified yet" in text
    assert f'href="{reverse("account_email")}"' in text
    assert accepted.status_code == 403
    assert not Membership.objects.filter(user=person).exists()


def test_a_verified_second_address_may_use_the_invitation(client):
    invitation = InvitationFactory(email="river@example.org")
    person = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=person, email="river@EXAMPLE.org", verified=True)
    client.force_login(person)

    accepted = client.post(link_to(invitation))

    invitation.refresh_from_db()
    assert accepted["Location"] == f"/c/{invitation.community.slug}/"
    assert invitation.accepted_by == person
    assert Membership.objects.get(user=person).status == "active"


def test_anonymous_visitor_is_guided_to_that_address_and_back_to_the_link(client):
    invitation = InvitationFactory(email="river@example.org")
    river = UserFactory(email="river@example.org")
    link = link_to(invitation)

    page = client.get(link)
    logged_in = client.post(
        reverse("account_login"),
        {"login": river.email, "password": "a-good-long-passphrase", "next": link},
    )
    accepted = client.post(link)

    text = page.content.decode()
    assert "This invitation is for river@example.org" in text
    signup = reverse("account_signup") + "?" + urlencode({"next": link, "email": river.email})
    assert f'href="{signup}"'.replace("&", "&amp;") in text
    assert f'href="{reverse("account_login")}?{urlencode({"next": link})}"' in text
    assert logged_in["Location"] == link
    assert accepted["Location"] == f"/c/{invitation.community.slug}/"
    assert Membership.objects.get(user=river).status == "active"


def test_invitations_page_shows_who_joined_through_each_link(
    client, community, member_of, django_assert_num_queries
):
    facilitator = member_of(community, role="facilitator")
    joiner = UserFactory(email="river@example.org", display_name="River Song")
    invitation = InvitationFactory(community=community, email="river@example.org")
    InvitationFactory(community=community, email="sea@example.org")  # still outstanding
    client.force_login(joiner)
    client.post(link_to(invitation))
    client.force_login(facilitator)

    one = client.get(f"/c/{community.slug}/invitations/")
    for n in range(5):
        person = UserFactory(display_name=f"Joiner {n}")
        MembershipFactory(community=community, user=person)
        InvitationFactory(
            community=community,
            email=person.email,
            invited_by=facilitator,
            accepted_at=invitation.accepted_at,
            accepted_by=person,
        )
    with django_assert_num_queries(6):
        many = client.get(f"/c/{community.slug}/invitations/")

    assert one.status_code == 200
    assert "Joined as River Song (river@example.org)" in one.content.decode()
    assert many.content.decode().count("Joined as ") == 6
    assert "Joined as Joiner 4" in many.content.decode()
