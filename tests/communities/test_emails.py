"""communities.emails: the one loop that emails a community's facilitators, and the email
contexts, kept in one module."""

from __future__ import annotations

import pytest

from accounts.models import EmailDelivery
from communities import emails
from communities.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_email_facilitators_reaches_each_facilitator_who_wants_it_once(community, settings):
    settings.SITE_URL = "https://cop.example"
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    coordinator = MembershipFactory(community=community, role=Role.COORDINATOR).user
    quiet = MembershipFactory(community=community, role=Role.FACILITATOR).user
    quiet.notify_facilitation = False
    quiet.save()
    MembershipFactory(community=community, role=Role.MEMBER)
    MembershipFactory(community=community, role=Role.FACILITATOR, status="left")
    MembershipFactory(role=Role.FACILITATOR)  # another community's
    membership = MembershipFactory(community=community, status="requested")

    def send():
        return emails.email_facilitators(
            community,
            kind="communities:join_request",
            key=lambda person: f"test:{person.pk}",
            context=emails.membership_context(membership),
        )

    assert send() == 2
    send()  # the key makes it once per person

    deliveries = EmailDelivery.objects.filter(kind="communities:join_request")
    assert {d.recipient for d in deliveries} == {facilitator, coordinator}
    assert {d.key for d in deliveries} == {f"test:{facilitator.pk}", f"test:{coordinator.pk}"}
    for delivery in deliveries:
        assert "List-Unsubscribe" in delivery.headers
        assert community.name in delivery.body_text


def test_membership_context_names_the_membership_and_its_community(community):
    membership = MembershipFactory(community=community)

    assert emails.membership_context(membership) == {
        "membership": membership,
        "community": community,
    }


def test_facilitation_links_carry_settings_and_a_personal_unsubscribe(community, settings):
    settings.SITE_URL = "https://cop.example"
    one, other = (MembershipFactory(community=community).user for _ in range(2))

    links = emails.facilitation_links(one)

    assert links["settings_url"] == "https://cop.example/settings/"
    assert links["unsubscribe_url"] != emails.facilitation_links(other)["unsubscribe_url"]
