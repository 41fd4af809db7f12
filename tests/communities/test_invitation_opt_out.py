""" "Don't invite me again" (issue 12, finding 15): every invitation carries a one-click way
out that stops invitations to the address from any community, kept as a keyed hash."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from communities import services
from communities.invitations import address_hash, opt_out_url
from communities.models import Invitation, InvitationOptOut
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def parts(message) -> list[str]:
    """The plain text and the HTML part of an email."""
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html) == 1
    return [message.body, html[0]]


@pytest.fixture
def facilitator_client(client, community, member_of):
    client.force_login(member_of(community, role="facilitator", user__display_name="Femi"))
    return client


def invite(client, community, emails: str):
    return client.post(f"/c/{community.slug}/invitations/", {"emails": emails})


def test_invitation_email_carries_a_way_out_and_says_why_it_was_sent(
    facilitator_client, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(facilitator_client, community, "river@example.org")

    (message,) = mail.outbox
    url = opt_out_url("river@example.org")
    for part in parts(message):
        assert url in part
        assert "Don't invite me again" in part or "Don't want invitations" in part
        assert (
            f"You're receiving this because Femi invited this address "
            f"to {community.name} on copsite." in part
        )
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "river" not in url


def test_opening_the_link_only_asks(client):
    page = client.get(path_of(opt_out_url("river@example.org")))

    assert page.status_code == 200
    assert "Don't invite me again</button>" in page.content.decode()
    assert not InvitationOptOut.objects.exists()


def test_one_click_post_without_cookies_keeps_only_a_hash_and_offers_an_undo():
    client = Client(enforce_csrf_checks=True)
    url = path_of(opt_out_url("River@Example.org"))

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    again = client.post(url, {"List-Unsubscribe": "One-Click"})
    page = client.get(done["Location"])

    row = InvitationOptOut.objects.get()
    assert (done.status_code, again.status_code) == (302, 302)
    assert done["Location"] == url + "?done=1"
    assert row.address_hash == address_hash("river@example.org")
    assert len(row.address_hash) == 64
    assert "river" not in row.address_hash
    assert "We won't invite this address again" in page.content.decode()
    assert f'href="{url}undo/"' in page.content.decode()


def test_a_facilitator_of_any_community_is_told_on_the_field_and_nothing_is_sent(
    facilitator_client, community, django_capture_on_commit_callbacks
):
    Client().post(path_of(opt_out_url("river@example.org")))

    with django_capture_on_commit_callbacks(execute=True):
        alone = invite(facilitator_client, community, " River@Example.org ")
        mixed = invite(facilitator_client, community, "sea@example.org, river@example.org")

    assert alone.status_code == 200
    assert alone.context["form"].errors["emails"] == [
        "River@Example.org asked us not to send them invitations, so we won't."
    ]
    assert mixed.context["form"].errors["emails"] == [
        "river@example.org asked us not to send them invitations, so we won't. "
        "Remove them to invite the others."
    ]
    assert "asked us not to send them invitations" in alone.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_no_invitation_goes_out_by_the_service_or_a_resend_either(
    community, member_of, django_capture_on_commit_callbacks
):
    facilitator = member_of(community, role="facilitator")
    waiting = InvitationFactory(email="river@example.org")
    services.invitation_opt_out(address_hash=address_hash("river@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        sent, skipped = services.invitations_send(
            community=community, by=facilitator, emails=["RIVER@example.org"]
        )
        with pytest.raises(services.CommunityError, match="asked us not to send them"):
            services.invitation_resend(invitation=waiting, by=facilitator)

    assert sent == []
    assert skipped == {
        "RIVER@example.org": (
            "RIVER@example.org asked us not to send them invitations, so nothing was sent."
        )
    }
    assert mail.outbox == []


def test_undo_asks_then_lets_communities_invite_again(
    facilitator_client, community, django_capture_on_commit_callbacks
):
    url = path_of(opt_out_url("river@example.org"))
    Client().post(url)

    asked = Client().get(url + "undo/")
    still = InvitationOptOut.objects.count()
    undone = facilitator_client.post(url + "undo/", follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        invite(facilitator_client, community, "river@example.org")

    assert "Invite me again</button>" in asked.content.decode()
    assert still == 1
    assert "Communities can invite you again" in undone.content.decode()
    assert not InvitationOptOut.objects.exists()
    assert [m.to for m in mail.outbox] == [["river@example.org"]]


@pytest.mark.parametrize("suffix", ["", "undo/"])
def test_a_tampered_link_changes_nothing_and_says_so(client, suffix):
    url = path_of(opt_out_url("river@example.org"))
    forged = url.replace(url.split(":")[-1].rstrip("/"), "forged")

    response = client.post(forged + suffix)

    assert response.status_code == 400
    assert "We couldn't use that link" in response.content.decode()
    assert not InvitationOptOut.objects.exists()


def test_one_address_opting_out_does_not_stop_another(
    facilitator_client, community, django_capture_on_commit_callbacks
):
    Client().post(path_of(opt_out_url("river@example.org")))

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(facilitator_client, community, "sea@example.org")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["sea@example.org"]]


def test_the_invitations_page_says_who_asked_not_to_be_invited_and_offers_no_resend(
    facilitator_client, community
):
    waiting = InvitationFactory(community=community, email="river@example.org")
    InvitationFactory(community=community, email="sea@example.org")
    Client().post(path_of(opt_out_url("river@example.org")))

    page = facilitator_client.get(f"/c/{community.slug}/invitations/").content.decode()

    assert page.count("They asked not to be invited again") == 1
    assert f"/invitations/{waiting.pk}/resend/" not in page
    assert 'Re-send<span class="visually-hidden"> to sea@example.org' in page
