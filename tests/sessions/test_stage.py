"""The session page follows the session's stage (issue 14 item 4): before it, the RSVP, the
agenda and what to prepare; during it, the join link and the agenda's current item; after
it, who came, reflect, shared work and review rounds. The agenda shows clock times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Session
from tests.factories import AgendaItemFactory, AttendanceFactory, RSVPFactory
from tests.html import text

pytestmark = pytest.mark.django_db

ONLINE = "https://meet.example.org/causal-loops"


def _at(session, starts_at, status=Session.Status.SCHEDULED):
    session.starts_at = starts_at
    session.status = status
    session.online_url = ONLINE
    session.save()
    return session


def test_stage_follows_the_clock_and_a_completed_session_is_over():
    start = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    session = Session(starts_at=start, duration_minutes=60, status=Session.Status.SCHEDULED)

    assert session.stage(start - timedelta(minutes=1)) == Session.BEFORE
    assert session.stage(start) == Session.DURING
    assert session.stage(start + timedelta(minutes=59)) == Session.DURING
    assert session.stage(start + timedelta(minutes=60)) == Session.AFTER
    session.status = Session.Status.COMPLETED
    assert session.stage(start + timedelta(minutes=30)) == Session.AFTER


def test_before_a_session_the_page_offers_rsvp_and_calendar_but_no_reflect_or_review_round(
    client, world
):
    _at(world.session, timezone.now() + timedelta(days=2))
    client.force_login(world.facilitator)

    response = client.get(world.session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Will you come?" in html
    assert "Add to my calendar (.ics)" in html
    assert 'href="#rsvp-box"' in html
    assert f'Online: <a href="{ONLINE}"' in html
    for absent in ("Reflect on this session", "Open a review round", "Share your work", "came"):
        assert absent not in html
    assert "Join online now" not in html


def test_during_a_session_the_page_offers_the_join_link_and_marks_the_current_item(client, world):
    _at(world.session, timezone.now() - timedelta(minutes=15))
    AgendaItemFactory(session=world.session, title="Check in", minutes=10, position=0)
    AgendaItemFactory(session=world.session, title="Mapping", minutes=30, position=1)
    client.force_login(world.member)

    response = client.get(world.session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a class="button join" href="{ONLINE}"' in html
    current = html.split('aria-current="step"', 1)[1].split("</li>", 1)[0]
    assert "Mapping" in current and "Now" in current
    assert html.count('aria-current="step"') == 1
    assert "Will you come?" not in html
    assert "Open a review round" not in html


def test_after_a_held_session_the_page_says_who_came_and_offers_reflect_and_review(client, world):
    _at(world.session, timezone.now() - timedelta(days=1), Session.Status.COMPLETED)
    AttendanceFactory(session=world.session, user=world.member)
    RSVPFactory(session=world.session, user=world.coordinator, response="going")
    client.force_login(world.facilitator)

    response = client.get(world.session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Who came" in html
    assert "1 came: Alice" in text(html)
    assert "Going (" not in html
    assert "Will you come?" not in html
    assert "Open a review round" in html
    assert "Reflect on this session" in html
    assert "What we'll do differently" in html
    assert "Join online now" not in html


def test_after_a_session_with_no_attendance_yet_the_facilitator_is_asked_to_record_it(
    client, world
):
    _at(world.session, timezone.now() - timedelta(hours=3))
    client.force_login(world.facilitator)

    html = client.get(world.session.get_absolute_url()).content.decode()

    assert "Attendance isn't recorded yet." in html
    assert "Record who came" in html
    assert "Going (0)" not in html


def test_people_outside_the_community_see_how_many_came_under_the_privacy_floor(client, world):
    _at(world.session, timezone.now() - timedelta(days=1), Session.Status.COMPLETED)
    AttendanceFactory(session=world.session, user=world.member)
    client.force_login(world.outsider)

    response = client.get(world.session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5 came." in html
    assert "Alice" not in html
    assert "Reflect on this session" not in html


def test_agenda_items_show_clock_times_in_the_viewers_time_beside_their_minutes(client, world):
    world.member.timezone = "Asia/Tokyo"
    world.member.save()
    _at(world.session, datetime(2030, 6, 1, 9, 0, tzinfo=UTC))  # 18:00 in Tokyo
    AgendaItemFactory(session=world.session, title="Check in", minutes=10, position=0)
    AgendaItemFactory(session=world.session, title="Pairs", minutes=15, position=1)
    client.force_login(world.member)

    html = client.get(world.session.get_absolute_url()).content.decode()

    agenda = html.split('id="agenda-heading"', 1)[1].split("</section>", 1)[0]
    first, second = agenda.split('<li class="agenda-item')[1:3]
    assert ">18:00</time>–<time" in first and ">18:10</time>" in first and "10 min" in first
    assert ">18:10</time>–<time" in second and ">18:25</time>" in second and "15 min" in second
    assert 'datetime="2030-06-01T18:10:00+09:00"' in second


# --- what an htmx swap says (issue 14 item 6; core.htmx.announce, static/js/site.js) -----

HTMX = {"HTTP_HX_REQUEST": "true"}


def _said(response) -> str:
    return json.loads(response["HX-Trigger-After-Settle"])["announce"]["text"]


def test_an_htmx_rsvp_announces_the_answer_and_keeps_the_buttons_ids(client, world):
    client.force_login(world.member)
    url = reverse("sessions:rsvp", args=[world.community.slug, world.session.pk])

    response = client.post(url, {"response": "going"}, **HTMX)

    assert response.status_code == 200
    assert _said(response) == "Your answer: going."
    assert 'id="rsvp-going"' in response.content.decode()


def test_a_refused_htmx_rsvp_announces_nothing_and_shows_the_error(client, world):
    client.force_login(world.member)
    url = reverse("sessions:rsvp", args=[world.community.slug, world.session.pk])

    response = client.post(url, {"response": "perhaps"}, **HTMX)

    assert response.status_code == 200
    assert "HX-Trigger-After-Settle" not in response
    assert 'role="alert"' in response.content.decode()


def test_an_htmx_agenda_move_announces_it_and_marks_the_moved_items_edit_link(client, world):
    AgendaItemFactory(session=world.session, title="Check in", position=0)
    moved = AgendaItemFactory(session=world.session, title="Pairs “mapping”", position=1)
    client.force_login(world.facilitator)
    url = reverse("sessions:agenda_move", args=[world.community.slug, world.session.pk, moved.pk])

    response = client.post(url, {"direction": "up"}, **HTMX)

    assert response.status_code == 200
    assert _said(response).startswith("Moved “Pairs “mapping”” up. 40 of 90 minutes planned")
    # The header stays ASCII: the quotes travel as JSON escapes.
    assert response["HX-Trigger-After-Settle"].isascii()
    marked = response.content.decode().split("data-focus-after-swap", 1)[0]
    assert f"/agenda/{moved.pk}/edit/" in marked.rsplit("<a ", 1)[1]


def test_without_htmx_nothing_is_announced(client, world):
    client.force_login(world.member)
    url = reverse("sessions:rsvp", args=[world.community.slug, world.session.pk])

    response = client.post(url, {"response": "going"})

    assert response.status_code == 302
    assert "HX-Trigger-After-Settle" not in response
