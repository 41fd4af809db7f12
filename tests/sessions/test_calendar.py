from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.calendar import markdown_as_plain_text
from sessions.models import Session
from tests.factories import AgendaItemFactory, CommunityFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


def ics_url(session):
    return reverse("sessions:ics", kwargs={"slug": session.community.slug, "pk": session.pk})


def parse(response) -> icalendar.Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_session_ics_has_tzid_vtimezone_and_the_right_utc_instant(client, world):
    world.session.starts_at = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    world.session.online_url = "https://meet.example.org/x"
    world.session.save()
    client.force_login(world.member)

    calendar = parse(client.get(ics_url(world.session)))

    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart").hour == 18
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["UID"]) == f"session-{world.session.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "https://meet.example.org/x" in str(event["DESCRIPTION"])


def test_session_ics_for_a_non_member_leaves_out_the_online_link(client, world):
    world.session.online_url = "https://meet.example.org/x"
    world.session.save()
    client.force_login(world.outsider)

    body = client.get(ics_url(world.session)).content.decode()

    assert "meet.example.org" not in body


def test_cancelled_session_ics_says_cancelled_with_a_higher_sequence(client, world):
    uid_before = str(parse(client_get(client, world)).walk("VEVENT")[0]["UID"])
    world.session.status = Session.Status.CANCELLED
    world.session.sequence = 2
    world.session.save()

    calendar = parse(client_get(client, world))

    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert str(event["UID"]) == uid_before


def client_get(client, world):
    client.force_login(world.member)
    return client.get(ics_url(world.session))


def test_feed_lists_published_sessions_of_my_communities_only(client, world):
    SessionFactory(community=world.community, title="A draft", status=Session.Status.DRAFT)
    SessionFactory(
        community=world.community,
        title="Long ago",
        starts_at=timezone.now() - timedelta(days=200),
        status=Session.Status.COMPLETED,
    )
    SessionFactory(community=world.community, title="Called off", status=Session.Status.CANCELLED)
    second = CommunityFactory(timezone="America/New_York")
    MembershipFactory(community=second, user=world.member)
    SessionFactory(community=second, title="Second home")
    left = CommunityFactory()
    MembershipFactory(community=left, user=world.member, status="left")
    SessionFactory(community=left, title="Left behind")

    response = client.get(reverse("sessions:feed", args=[world.member.calendar_token]))

    calendar = parse(response)
    summaries = sorted(str(event["SUMMARY"]).split(" · ")[0] for event in calendar.walk("VEVENT"))
    assert summaries == ["Called off", "Causal loops", "Second home"]
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/London",
        "America/New_York",
    }


@pytest.mark.parametrize("token", ["nope", "x" * 40])
def test_feed_with_a_bad_token_is_not_found(client, world, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_feed_needs_no_login_and_reset_revokes_the_old_link(client, world):
    old = world.member.calendar_token
    client.force_login(world.member)

    response = client.post(
        reverse("sessions:calendar_reset"), {"next": "/c/riverside/sessions/"}, follow=True
    )
    client.logout()

    world.member.refresh_from_db()
    assert "Your calendar link is new" in response.content.decode()
    assert world.member.calendar_token != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{world.member.calendar_token}.ics").status_code == 200


def test_reset_ignores_an_offsite_next(client, world):
    client.force_login(world.member)

    response = client.post(reverse("sessions:calendar_reset"), {"next": "//evil.example/"})

    assert response["Location"] == "/"


@pytest.mark.parametrize("n", [1, 20])
def test_feed_queries_are_bounded(client, world, django_assert_num_queries, n):
    for _ in range(n):
        AgendaItemFactory(session=SessionFactory(community=world.community), title="Check-in")

    # The sessions with their communities, then every agenda at once.
    with django_assert_num_queries(3):
        response = client.get(reverse("sessions:feed", args=[world.member.calendar_token]))

    assert response.status_code == 200
    assert world.session.title in response.content.decode()

    assert len(parse(response).walk("VEVENT")) == n + 1
    assert response.content.decode().count("Check-in") == n


def test_session_ics_description_is_plain_text_with_the_agenda_and_its_clock_times(client, world):
    """Calendar apps show DESCRIPTION as it is: no Markdown marks, and the agenda with each
    item's clock times in the zone DTSTART names (Europe/London: 17:00 UTC is 18:00)."""
    world.session.starts_at = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    world.session.description = (
        "We look at **causal loops** in [our map](https://example.org/map).\n\n"
        "# Bring\n\n- a *story*\n- `questions`"
    )
    world.session.save()
    for title, minutes in [("Arrive and check in", 10), ("Review our open actions", 15)]:
        AgendaItemFactory(session=world.session, title=title, minutes=minutes)
    client.force_login(world.member)

    event = parse(client.get(ics_url(world.session))).walk("VEVENT")[0]
    description = str(event["DESCRIPTION"])

    assert description.startswith(
        "We look at causal loops in our map (https://example.org/map).\n\nBring\n\n"
        "- a story\n- questions"
    )
    assert "Agenda\n18:00–18:10 Arrive and check in\n18:10–18:25 Review our open actions" in (
        description
    )
    for mark in ("**", "](", "# ", "`", "*story*"):
        assert mark not in description


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("", ""),
        ("plain", "plain"),
        ("1. one\n2. two", "1. one\n2. two"),
        ("a  \nb", "a\nb"),
        ("<b>raw</b> & more", "<b>raw</b> & more"),
        ("[https://x.org](https://x.org)", "https://x.org"),
        ("```\ncode **here**\n```", "code **here**"),
        ("- outer\n  - inner", "- outer\n  - inner"),
    ],
)
def test_markdown_as_plain_text(markdown, text):
    assert markdown_as_plain_text(markdown) == text
