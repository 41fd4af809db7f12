"""Speaking turns: a round item shows one shuffled order of the people going (or, once
attendance is recorded, who came), the same for everyone, re-shuffled on a facilitator's
demand, and forgotten once the session is held."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sessions import services
from sessions.models import AgendaItem, Session
from tests.factories import AgendaItemFactory, AttendanceFactory, MembershipFactory, RSVPFactory


def round_item(session, **fields):
    return AgendaItemFactory(
        session=session, kind=AgendaItem.Kind.ROUND, title="Check-in round", **fields
    )


def shuffle_url(item):
    return reverse(
        "sessions:round_shuffle",
        kwargs={"slug": item.session.community.slug, "pk": item.session.pk, "item_pk": item.pk},
    )


def speaking_order(html: str) -> list[str]:
    block = re.search(r'<ol class="speaking-order"[^>]*>(.*?)</ol>', html, re.S)
    assert block, "no speaking order on the page"
    return re.findall(r'class="person">(?:<[^>]+>)*\s*([^<]+?)\s*</span>', block.group(1))


def going_people(world, n):
    people = []
    for index in range(n):
        person = MembershipFactory(
            community=world.community, user__display_name=f"Person {index:02d}"
        ).user
        RSVPFactory(session=world.session, user=person, response="going")
        people.append(person)
    return people


def test_round_shows_the_people_going_in_the_same_order_for_everyone(client, world):
    people = going_people(world, 6)
    RSVPFactory(session=world.session, user=world.member, response="maybe")
    round_item(world.session)

    client.force_login(world.member)
    seen_by_member = speaking_order(client.get(world.session.get_absolute_url()).content.decode())
    client.force_login(world.facilitator)
    page = client.get(world.session.get_absolute_url()).content.decode()

    assert speaking_order(page) == seen_by_member
    assert sorted(seen_by_member) == sorted(person.name for person in people)
    assert "Passing is fine" in page


def test_round_follows_who_attended_once_recorded(client, world):
    going_people(world, 3)
    world.session.starts_at = timezone.now() - timedelta(minutes=10)
    world.session.save()
    AttendanceFactory(session=world.session, user=world.member)
    round_item(world.session)
    client.force_login(world.member)

    page = client.get(world.session.get_absolute_url()).content.decode()

    assert speaking_order(page) == [world.member.name]
    assert "Everyone who came, in this order" in page


def test_round_order_hidden_from_visitors_who_are_not_members(client, world, frank):
    going_people(world, 2)
    round_item(world.session)
    client.force_login(frank)

    page = client.get(world.session.get_absolute_url()).content.decode()

    assert "Members see the speaking order." in page
    assert 'class="speaking-order"' not in page


def test_facilitator_reshuffles_and_everyone_sees_the_new_order(client, world):
    going_people(world, 8)
    item = round_item(world.session)
    client.force_login(world.facilitator)
    before = item.round_seed

    response = client.post(shuffle_url(item))

    item.refresh_from_db()
    assert response.status_code == 302
    assert item.round_seed is not None and item.round_seed != before
    client.force_login(world.member)
    member_view = speaking_order(client.get(world.session.get_absolute_url()).content.decode())
    client.force_login(world.facilitator)
    assert speaking_order(client.get(world.session.get_absolute_url()).content.decode()) == (
        member_view
    )


def test_reshuffle_by_htmx_returns_the_round_fragment(client, world):
    going_people(world, 3)
    item = round_item(world.session)
    client.force_login(world.facilitator)

    response = client.post(shuffle_url(item), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="round" id="round-{item.pk}"')
    assert f'id="shuffle-{item.pk}"' in html  # the button keeps its id: focus stays on it
    assert "announce" in response["HX-Trigger-After-Settle"]


@pytest.mark.parametrize("who", ["member", "other_member", "outsider"])
def test_only_facilitators_reshuffle(client, world, who):
    item = round_item(world.session)
    client.force_login(world.user(who))

    response = client.post(shuffle_url(item))

    item.refresh_from_db()
    assert response.status_code == 404
    assert item.round_seed is None


def test_reshuffle_of_another_communitys_item_is_404(client, world):
    other = round_item(world.other_session)
    client.force_login(world.facilitator)
    url = reverse(
        "sessions:round_shuffle",
        kwargs={"slug": "riverside", "pk": world.session.pk, "item_pk": other.pk},
    )

    assert client.post(url).status_code == 404


def test_marking_the_session_held_forgets_the_order(client, world):
    item = round_item(world.session, round_seed=1234)
    world.session.starts_at = timezone.now() - timedelta(hours=2)
    world.session.save()

    services.attendance_record(
        session=world.session,
        recorded_by=world.facilitator,
        attendees=[world.member],
        complete=True,
    )

    item.refresh_from_db()
    assert world.session.status == Session.Status.COMPLETED
    assert item.round_seed is None
    client.force_login(world.member)
    assert (
        'class="speaking-order"'
        not in client.get(world.session.get_absolute_url()).content.decode()
    )


def test_reshuffle_after_held_is_refused_kindly(client, world):
    item = round_item(world.session)
    world.session.status = Session.Status.COMPLETED
    world.session.starts_at = timezone.now() - timedelta(hours=2)
    world.session.save()
    client.force_login(world.facilitator)

    response = client.post(shuffle_url(item), follow=True)

    item.refresh_from_db()
    assert response.status_code == 200
    assert "keeps no order" in response.content.decode()
    assert item.round_seed is None


def test_planner_adds_a_round(client, world):
    client.force_login(world.facilitator)
    url = reverse("sessions:agenda_round", kwargs={"slug": "riverside", "pk": world.session.pk})

    response = client.post(url)

    item = world.session.agenda_items.get()
    assert response.status_code == 302
    assert (item.kind, item.title) == (AgendaItem.Kind.ROUND, "Round: everyone speaks once")


def test_planner_shows_the_facilitation_guides(client, world):
    client.force_login(world.facilitator)

    page = client.get(
        reverse("sessions:edit", kwargs={"slug": "riverside", "pk": world.session.pk})
    )

    html = page.content.decode()
    for name in (
        "Show and tell",
        "Clinic on real work",
        "Round (everyone speaks once)",
        "Retro",
        "Reflect",
    ):
        assert f"<summary>{escape(name)}" in html


@pytest.mark.parametrize("n", [1, 20])
def test_round_item_queries_are_bounded(client, world, django_assert_num_queries, n):
    people = going_people(world, n)
    round_item(world.session)
    round_item(world.session)
    client.force_login(world.member)

    # The detail page's 11, and 1 for who attended (the round's people), whatever the
    # number of rounds and people.
    with django_assert_num_queries(12):
        response = client.get(world.session.get_absolute_url())

    assert response.status_code == 200
    assert sorted(speaking_order(response.content.decode())) == sorted(p.name for p in people)
