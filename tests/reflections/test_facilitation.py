"""Facilitation as practice: a facilitator's own private reflection on a session they
facilitated, with the pulse beside it; nobody else reaches it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reflections.models import Reflection
from sessions import services as session_services
from sessions.models import Attendance, Session
from tests.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(riverside, bob):
    session = SessionFactory(
        community=riverside,
        title="Causal loops",
        starts_at=timezone.now() - timedelta(days=1),
        status=Session.Status.COMPLETED,
    )
    session.facilitators.add(bob)
    return session


def url(session):
    return reverse("reflections:facilitation", kwargs={"slug": "riverside", "pk": session.pk})


def test_facilitator_is_offered_the_reflection_on_the_session_page(client, held, bob):
    client.force_login(bob)

    html = client.get(held.get_absolute_url()).content.decode()

    assert "Your facilitation, as practice" in html
    assert url(held) in html


def test_facilitator_writes_it_privately_and_changes_the_same_one(client, held, bob):
    client.force_login(bob)

    client.post(url(held), {"helped_room": "The quiet pairs", "unheard": "Newcomers"})
    client.post(url(held), {"helped_room": "The quiet pairs", "unheard": "Newcomers"})
    response = client.post(url(held), {"helped_room": "Pairs", "try_next": "A round first"})

    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert reflection.visibility == Reflection.Visibility.PRIVATE
    assert (reflection.author, reflection.session) == (bob, held)
    assert reflection.answered_prompts == [
        ("What helped the room?", "Pairs"),
        ("What would I try next time?", "A round first"),
    ]


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "frank", "erin"])
def test_only_the_sessions_facilitators_reach_it(client, request, held, bob, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(held)).status_code == 404
    assert client.post(url(held), {"helped_room": "x"}).status_code == 404
    assert Reflection.objects.count() == 0


def test_nobody_else_reads_the_written_reflection(client, held, bob, alice, carol):
    client.force_login(bob)
    client.post(url(held), {"unheard": "Alice, I think"})
    reflection = Reflection.objects.get()

    for other in (alice, carol):
        client.force_login(other)
        assert client.get(reflection.get_absolute_url()).status_code == 404
        assert "Alice, I think" not in client.get(held.get_absolute_url()).content.decode()


def test_not_offered_before_the_session_is_held(client, riverside, bob):
    session = SessionFactory(community=riverside)
    session.facilitators.add(bob)
    client.force_login(bob)

    assert (
        "Your facilitation, as practice"
        not in client.get(session.get_absolute_url()).content.decode()
    )
    assert client.get(url(session)).status_code == 404


def test_the_pulse_beside_it_keeps_the_floor(client, held, bob, riverside):
    people = [MembershipFactory(community=riverside).user for _ in range(5)]
    for person in people[:4]:
        Attendance.objects.create(session=held, user=person)
        session_services.pulse_answer(session=held, user=person, face=2, better="hidden words")
    client.force_login(bob)

    before = client.get(url(held)).content.decode()
    Attendance.objects.create(session=held, user=people[4])
    session_services.pulse_answer(session=held, user=people[4], face=4)
    after = client.get(url(held)).content.decode()

    assert "hidden words" not in before
    assert "fewer than 5 so far" in before
    assert "5 people answered" in after
    assert "hidden words" in after
