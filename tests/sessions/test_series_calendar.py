"""A series' calendar, read by a consumer someone else wrote (recurring-ical-events): one
event with its rule, skipped dates as EXDATE, a moved session as a RECURRENCE-ID event —
and the expansion agrees with the series page, at the same local times, across DST."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.urls import reverse

from sessions import services
from sessions.calendar import session_ics
from sessions.models import Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WHEN = re.compile(r'<span class="when">([^<]+)</span>')


@pytest.fixture
def series(world):
    """Fortnightly, Wednesdays 18:00 London from 11 March (before the clocks change on
    29 March) — six sessions; the third skipped, the fifth moved to Thursday 19:00."""
    with time_machine.travel(NOW, tick=False):
        first = SessionFactory(
            community=world.community,
            title="Wednesday chats",
            starts_at=datetime(2026, 3, 11, 18, 0, tzinfo=UTC),
            duration_minutes=60,
        )
        first.facilitators.add(world.facilitator)
        series = services.series_create(
            session=first, user=world.facilitator, frequency="2weeks", until=None, count=6
        )
        sessions = list(series.sessions.order_by("starts_at"))
        services.session_cancel(session=sessions[2], reason="Half-term")
        moved = sessions[4]
        services.session_update(
            session=moved,
            user=world.facilitator,
            data={
                "title": moved.title,
                "description": "",
                "starts_at": moved.starts_at + timedelta(days=1, hours=1),
                "duration_minutes": 60,
                "location": "",
                "online_url": "",
            },
            version=moved.version,
        )
    series.refresh_from_db()
    return series


def expanded(body: bytes, tz):
    calendar = icalendar.Calendar.from_ical(body)
    events = recurring_ical_events.of(calendar).between(date(2026, 1, 1), date(2027, 1, 1))
    return sorted((event["DTSTART"].dt.astimezone(tz), event.get("STATUS")) for event in events)


def test_series_ics_expands_to_what_the_series_page_lists(client, world, series):
    client.force_login(world.member)
    tz = world.member.zoneinfo
    with time_machine.travel(NOW, tick=False):
        ics = client.get(
            reverse("sessions:series_ics", kwargs={"slug": "riverside", "pk": series.pk})
        )
        page = client.get(series.get_absolute_url()).content.decode()

    held = [
        s.starts_at.astimezone(tz)
        for s in series.sessions.exclude(status=Session.Status.CANCELLED).order_by("starts_at")
    ]
    from_file = expanded(ics.content, tz)
    assert [when for when, _ in from_file] == held
    listed = [(m.group(1), "skipped" in page[m.end() : m.end() + 60]) for m in WHEN.finditer(page)]
    assert [text for text, skipped in listed if not skipped] == [
        f"{when:%A %-d %B %Y, %H:%M}" for when in held
    ]
    london = world.community.zoneinfo
    assert [f"{w.astimezone(london):%a %d %b %H:%M}" for w in held] == [
        "Wed 11 Mar 18:00",
        "Wed 25 Mar 18:00",
        "Wed 22 Apr 18:00",  # after the change, still 18:00 local
        "Thu 07 May 19:00",  # moved
        "Wed 20 May 18:00",
    ]


def test_series_ics_has_rule_exdate_recurrence_id_and_a_stable_uid(client, world, series):
    client.force_login(world.member)
    url = reverse("sessions:series_ics", kwargs={"slug": "riverside", "pk": series.pk})
    with time_machine.travel(NOW, tick=False):
        calendar = icalendar.Calendar.from_ical(client.get(url).content)

    master, override = calendar.walk("VEVENT")
    assert master["UID"] == override["UID"] == series.uid
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [6]
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    assert [d.dt for d in master["EXDATE"].dts] == [
        datetime(2026, 4, 8, 18, 0, tzinfo=world.community.zoneinfo)
    ]
    assert override["RECURRENCE-ID"].dt == datetime(
        2026, 5, 6, 18, 0, tzinfo=world.community.zoneinfo
    )
    assert master["SEQUENCE"] == 2  # skipped once, moved once
    assert calendar.walk("VTIMEZONE")


def test_an_occurrences_own_file_is_an_instance_of_the_series(world, series):
    session = series.sessions.order_by("starts_at")[1]

    calendar = icalendar.Calendar.from_ical(session_ics(session, include_online_link=True))

    [event] = calendar.walk("VEVENT")
    assert event["UID"] == series.uid
    assert event["RECURRENCE-ID"].dt == session.recurrence_id
    assert str(event["SEQUENCE"]) == str(series.sequence)


def test_reminder_carries_the_series_uid_and_recurrence_id(world, series):
    services.series_rsvp_set(series=series, user=world.member, response="going")
    session = series.sessions.order_by("starts_at")[1]
    from django.core import mail

    with time_machine.travel(session.starts_at - timedelta(hours=3), tick=False):
        services.reminders_send_due()
    from accounts.mail import email_flush

    email_flush()
    [message] = [m for m in mail.outbox if "Wednesday chats" in m.subject]
    [(_, body, _)] = message.attachments
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert (event["UID"], event["RECURRENCE-ID"].dt) == (series.uid, session.recurrence_id)


def test_feed_carries_the_series_once_with_its_rule(client, world, series):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("sessions:feed", args=[world.member.calendar_token]))

    calendar = icalendar.Calendar.from_ical(response.content)
    uids = [event["UID"] for event in calendar.walk("VEVENT")]
    assert uids.count(series.uid) == 2  # the series and its moved session
    tz = world.member.zoneinfo
    held = [
        s.starts_at.astimezone(tz)
        for s in series.sessions.exclude(status=Session.Status.CANCELLED).order_by("starts_at")
    ]
    mine = [when for when, _ in expanded(response.content, tz) if when.minute == 0 and when in held]
    assert mine == held
