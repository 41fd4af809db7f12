"""Communities raise notifications (issue 16, item 3): the answer to a request to join
(emailed at once by default, as it always was) and a step further in on one's journey
(in the digest's celebrations by default)."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import EmailDelivery, Notification, NotificationPreference
from communities import services
from communities.models import Community, Membership
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild(bob):
    guild = CommunityFactory(name="Guild", slug="guild", visibility=Community.Visibility.REQUEST)
    MembershipFactory(community=guild, user=bob, role=Membership.Role.FACILITATOR)
    return guild


@pytest.mark.parametrize(
    ("approve", "text"),
    [(True, "Welcome! Your request to join Guild was accepted."), (False, "not accepted")],
)
def test_the_answer_to_a_request_is_a_notification_and_an_email_once(
    guild, bob, frank, approve, text, django_capture_on_commit_callbacks
):
    request = services.join_request_create(community=guild, user=frank)

    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decide(membership=request, by=bob, approve=approve)

    notification = Notification.objects.get(recipient=frank)
    assert notification.kind == "join_decision"
    assert text in notification.text
    assert (notification.community_id, notification.actor) == (guild.pk, bob)
    assert notification.url == "/c/guild/"
    assert [m.to for m in mail.outbox if m.to == [frank.email]] == [[frank.email]]


def test_someone_who_chose_never_is_told_in_the_site_only(guild, bob, frank):
    NotificationPreference.objects.create(user=frank, kind="join_decision", email="never")
    request = services.join_request_create(community=guild, user=frank)

    services.join_request_decide(membership=request, by=bob, approve=True)

    assert Notification.objects.filter(recipient=frank).count() == 1
    assert not EmailDelivery.objects.filter(recipient=frank).exists()


def test_a_move_further_in_is_celebrated_and_a_move_out_is_not(riverside, alice, bob):
    membership = Membership.objects.get(community=riverside, user=alice)

    step = services.journey_move(membership=membership, to_level="active", by=bob)
    services.journey_move(membership=membership, to_level="peripheral", by=bob)

    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == "journey_celebration"
    assert notification.key == f"journey-step:{step.pk}"
    assert notification.text.startswith("You moved from peripheral to active in Riverside.")
    assert not EmailDelivery.objects.exists()  # the digest's celebrations tell it
