"""An organisation's invitations by email (issue 19): its admins invite addresses that may
have no account; one email each (queued on commit, once however often the form is sent);
signing up, or logging in, with the address makes the person belong to the organisation;
an invitation can be revoked; an expired, used, withdrawn or forged link says so (400),
never a 500; another organisation's invitation is a 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.invitations import invitation_token
from communities.models import Community, Invitation, Organisation, OrganisationRole
from communities.organisations import grant, organisations_of
from tests.factories import CommunityFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organisation.objects.create(name="Clinics", slug="clinics")


@pytest.fixture
def admin(org):
    person = UserFactory(display_name="Ada Admin")
    grant(org, person, OrganisationRole.Role.ADMIN)
    return person


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client, emails: str, **extra):
    return client.post("/o/clinics/invitations/", {"emails": emails, **extra}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^\s/]+/)", message.body).group(1)


def test_an_invitation_to_an_address_without_an_account_sends_one_email(org, admin, commit):
    client = client_as(admin)

    with commit():
        first = invite(client, "river@example.org", message="Welcome aboard")
    with commit():
        again = invite(client, "RIVER@example.org")

    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.community) == (org, None)
    assert messages_of(first) == ["Invitation sent to river@example.org."]
    assert "was already invited" in messages_of(again)[0]
    assert [m.to for m in mail.outbox] == [["river@example.org"]]
    (message,) = mail.outbox
    assert message.subject == "You're invited to Clinics on copsite"
    assert "Ada Admin has invited you to Clinics" in message.body
    assert "Welcome aboard" in message.body
    assert link_in(message) == f"/invitations/{invitation_token(invitation)}/"


def test_signing_up_through_the_link_makes_them_belong(org, admin, client, commit):
    open_within = CommunityFactory(organisation=org, visibility=Community.Visibility.ORGANISATION)
    with commit():
        invite(client_as(admin), "river@example.org")
    link = link_in(mail.outbox[0])

    landing = client.get(link)
    with commit():
        signed_up = client.post(
            "/accounts/signup/",
            {"email": "river@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    back = client.get(link)

    river = User.objects.get(email="river@example.org")
    assert landing.status_code == 200
    assert "You're invited to Clinics" in landing.content.decode()
    assert signed_up.status_code == 302
    assert list(organisations_of(river)) == [org]
    assert OrganisationRole.objects.filter(organisation=org, user=river, role="member").exists()
    assert back["Location"] == reverse("communities:directory")
    directory = client.get(back["Location"])
    assert open_within.name in directory.content.decode()
    assert len(mail.outbox) == 1  # no verification email: the invitation vouched for it


def test_logging_in_through_the_link_with_the_address_accepts_it(org, admin, commit):
    river = UserFactory(email="river@example.org")
    with commit():
        invite(client_as(admin), "river@example.org")
    link = link_in(mail.outbox[0])
    client = Client()

    landing = client.get(link)
    logged_in = client.post(
        "/accounts/login/", {"login": "river@example.org", "password": PASSWORD}
    )

    assert "Log in" in landing.content.decode()
    assert logged_in.status_code == 302
    assert list(organisations_of(river)) == [org]
    assert Invitation.objects.get().accepted_by == river


def test_logging_in_as_someone_else_accepts_nothing_and_says_whose_it_is(org, admin, commit):
    with commit():
        invite(client_as(admin), "river@example.org")
    link = link_in(mail.outbox[0])
    other = UserFactory(email="other@example.org")
    client = Client()
    client.get(link)
    client.post("/accounts/login/", {"login": "other@example.org", "password": PASSWORD})

    response = client.get(link)

    assert response.status_code == 403
    assert "river@example.org" in response.content.decode()
    assert not organisations_of(other).exists()


def test_a_signed_in_addressee_accepts_on_the_page(org, admin, commit):
    river = UserFactory(email="river@example.org")
    with commit():
        invite(client_as(admin), "river@example.org")
    link = link_in(mail.outbox[0])
    client = client_as(river)

    page = client.get(link)
    accepted = client.post(link)
    twice = client.post(link)

    assert "Accept: I belong to Clinics" in page.content.decode()
    assert accepted["Location"] == reverse("communities:directory")
    assert twice.status_code == 302  # their own used link: sent on, not an error
    assert OrganisationRole.objects.filter(user=river, role="member").count() == 1


def test_a_revoked_expired_used_or_forged_link_says_so(org, admin, commit, client):
    client_admin = client_as(admin)
    with commit():
        invite(client_admin, "gone@example.org old@example.org used@example.org")
    gone, old, used = (
        Invitation.objects.get(email=f"{n}@example.org") for n in ("gone", "old", "used")
    )
    revoked = client_admin.post(f"/o/clinics/invitations/{gone.pk}/revoke/", follow=True)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    Invitation.objects.filter(pk=used.pk).update(accepted_at=timezone.now())

    problems = {}
    for name, invitation in (("revoked", gone), ("expired", old), ("used", used)):
        response = client.get(f"/invitations/{invitation_token(invitation)}/")
        problems[name] = (response.status_code, response.context["problem"])
    forged = client.get(f"/invitations/{invitation_token(gone)}x/")

    assert messages_of(revoked) == ["The invitation to gone@example.org is revoked."]
    assert problems == {
        "revoked": (400, "revoked"),
        "expired": (400, "expired"),
        "used": (400, "used"),
    }
    assert (forged.status_code, forged.context["problem"]) == (400, "forged")
    assert "withdrawn" in client.get(f"/invitations/{invitation_token(gone)}/").content.decode()


def test_another_organisations_admin_gets_a_404(org, admin, commit):
    with commit():
        invite(client_as(admin), "river@example.org")
    invitation = Invitation.objects.get()
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    stranger = UserFactory()
    grant(elsewhere, stranger, OrganisationRole.Role.ADMIN)
    client = client_as(stranger)

    assert client.get("/o/clinics/invitations/").status_code == 404
    assert client.post(f"/o/clinics/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/o/elsewhere/invitations/{invitation.pk}/revoke/").status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_bad_addresses_keep_what_was_typed_and_send_nothing(org, admin, commit):
    with commit():
        response = client_as(admin).post("/o/clinics/invitations/", {"emails": "not-an-address"})

    assert response.status_code == 200
    assert "not-an-address" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_member_already_is_not_invited_again(org, admin, commit):
    river = UserFactory(email="river@example.org")
    grant(org, river, OrganisationRole.Role.MEMBER)

    with commit():
        response = invite(client_as(admin), "river@example.org")

    assert messages_of(response) == ["river@example.org is already a member."]
    assert mail.outbox == []


@pytest.mark.parametrize("count", [1, 15])
def test_the_invitations_page_query_count_is_bounded(org, admin, count, django_assert_num_queries):
    for n in range(count):
        Invitation.objects.create(
            organisation=org,
            email=f"p{n}@example.org",
            invited_by=admin,
            expires_at=timezone.now() + timedelta(days=3),
        )
    client = client_as(admin)

    # session, person, the organisation (the access check), its invitations, the opt-outs.
    with django_assert_num_queries(5):
        response = client.get("/o/clinics/invitations/")

    assert response.status_code == 200
