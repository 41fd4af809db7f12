"""Co-facilitation: after a held session of a series, its facilitators invite someone who
came to co-facilitate the next occurrence; they are told once and accept or decline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from sessions.models import Attendance, CoFacilitation, Series, Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(riverside, bob, alice):
    series = Series.objects.create(
        community=riverside,
        title="Weekly",
        rule="FREQ=WEEKLY",
        start_date=timezone.now().date(),
        start_time="18:00",
        time_zone="UTC",
        uid="cofac",
        is_live=True,
    )
    now = timezone.now()
    held = SessionFactory(
        community=riverside,
        series=series,
        recurrence_id=now - timedelta(days=2),
        starts_at=now - timedelta(days=2),
        status=Session.Status.COMPLETED,
        title="Week 1",
    )
    following = SessionFactory(
        community=riverside,
        series=series,
        recurrence_id=now + timedelta(days=5),
        starts_at=now + timedelta(days=5),
        title="Week 2",
    )
    for session in (held, following):
        session.facilitators.add(bob)
    Attendance.objects.create(session=held, user=alice)
    Attendance.objects.create(session=held, user=bob)
    return held, following


def invite_url(session):
    return reverse("sessions:cofacilitate", kwargs={"slug": "riverside", "pk": session.pk})


def answer_url(session):
    return reverse("sessions:cofacilitate_answer", kwargs={"slug": "riverside", "pk": session.pk})


def test_facilitator_sees_who_came_to_invite(client, pair, bob, alice):
    held, _ = pair
    client.force_login(bob)

    html = client.get(held.get_absolute_url()).content.decode()

    assert "Invite someone to co-facilitate the next session" in html
    assert "Invite Alice to co-facilitate" in html
    assert "Invite Bob to co-facilitate" not in html


def test_invite_then_accept_makes_them_a_facilitator(client, pair, bob, alice):
    held, following = pair
    client.force_login(bob)

    client.post(invite_url(held), {"user": alice.pk})
    client.post(invite_url(held), {"user": alice.pk})  # twice: one invitation, told once

    invite = CoFacilitation.objects.get()
    assert (invite.session, invite.user, invite.status) == (following, alice, "pending")
    assert Notification.objects.filter(recipient=alice, kind="cofacilitation_invite").count() == 1
    client.force_login(alice)
    page = client.get(answer_url(following))
    assert "Bob invites you" in page.content.decode()
    response = client.post(answer_url(following), {"answer": "accept"})
    assert response.status_code == 302
    assert list(following.facilitators.order_by("pk")) == sorted([bob, alice], key=lambda u: u.pk)


def test_decline_changes_nothing_but_the_answer(client, pair, bob, alice):
    held, following = pair
    client.force_login(bob)
    client.post(invite_url(held), {"user": alice.pk})
    client.force_login(alice)

    client.post(answer_url(following), {"answer": "decline"})

    assert CoFacilitation.objects.get().status == "declined"
    assert list(following.facilitators.all()) == [bob]


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_tampered_invitee_is_404(client, pair, bob, value):
    held, _ = pair
    client.force_login(bob)

    assert client.post(invite_url(held), {"user": value}).status_code == 404
    assert CoFacilitation.objects.count() == 0


def test_only_someone_who_came_can_be_invited(client, pair, bob, carol):
    held, _ = pair
    client.force_login(bob)

    assert client.post(invite_url(held), {"user": carol.pk}).status_code == 404


@pytest.mark.parametrize("who", ["alice", "dave", "frank"])
def test_only_facilitators_invite(client, request, pair, alice, who):
    held, _ = pair
    client.force_login(request.getfixturevalue(who))

    assert client.post(invite_url(held), {"user": alice.pk}).status_code == 404


def test_someone_not_invited_cannot_answer(client, pair, carol):
    _, following = pair
    client.force_login(carol)

    assert client.post(answer_url(following), {"answer": "accept"}).status_code == 404


def test_a_junk_answer_is_a_message(client, pair, bob, alice):
    held, following = pair
    client.force_login(bob)
    client.post(invite_url(held), {"user": alice.pk})
    client.force_login(alice)

    response = client.post(answer_url(following), {"answer": "maybe?"}, follow=True)

    assert "Please choose yes or no thanks." in response.content.decode()
    assert CoFacilitation.objects.get().status == "pending"


def test_someone_who_left_cannot_be_invited(client, pair, bob, alice):
    held, _ = pair
    alice.memberships.update(status="left")
    client.force_login(bob)

    response = client.post(invite_url(held), {"user": alice.pk}, follow=True)

    assert "Only active members" in response.content.decode()
    assert CoFacilitation.objects.count() == 0
