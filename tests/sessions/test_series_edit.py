"""Editing a series: this only, this and following (a split), every session ahead; the
version check; past sessions never changed; everyone told once per change."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.mail import email_flush
from accounts.models import EmailDelivery
from sessions import services
from sessions.models import Series, SeriesRSVP, Session
from tests.factories import AgendaItemFactory, RSVPFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
PLANNED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # three sessions held by then


@pytest.fixture
def weekly(world):
    """Six Wednesdays at 18:00 London from 4 March; alice is going to all."""
    with time_machine.travel(PLANNED, tick=False):
        first = SessionFactory(
            community=world.community,
            title="Wednesday chats",
            starts_at=datetime(2026, 3, 4, 18, 0, tzinfo=LONDON),
            duration_minutes=60,
        )
        first.facilitators.add(world.facilitator)
        series = services.series_create(
            session=first, user=world.facilitator, frequency="weekly", until=None, count=6
        )
        services.series_rsvp_set(series=series, user=world.member, response="going")
    series.refresh_from_db()
    return series


def local(session):
    return session.starts_at.astimezone(LONDON).strftime("%d %b %H:%M")


def data_for(session, **changes):
    data = {
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "location": session.location,
        "online_url": session.online_url,
    }
    data.update(changes)
    return data


def test_this_and_following_splits_the_series(world, weekly, django_capture_on_commit_callbacks):
    sessions = list(weekly.sessions.order_by("starts_at"))
    pivot = sessions[4]  # 1 April
    with (
        time_machine.travel(LATER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        new = services.series_edit(
            session=pivot,
            user=world.facilitator,
            data=data_for(pivot, starts_at=pivot.starts_at + timedelta(hours=1), location="Room 4"),
            scope=services.FOLLOWING,
            version=weekly.version,
            session_version=pivot.version,
        )
        email_flush()

    weekly.refresh_from_db()
    assert new.pk != weekly.pk and new.uid != weekly.uid
    assert (weekly.until.isoformat(), weekly.count) == ("2026-03-31", None)
    assert (new.count, new.start_time.strftime("%H:%M")) == (2, "19:00")
    assert [local(s) for s in weekly.sessions.order_by("starts_at")] == [
        "04 Mar 18:00",
        "11 Mar 18:00",
        "18 Mar 18:00",
        "25 Mar 18:00",
    ]
    moved = list(new.sessions.order_by("starts_at"))
    assert [local(s) for s in moved] == ["01 Apr 19:00", "08 Apr 19:00"]
    assert moved[0].pk == pivot.pk and {s.location for s in moved} == {"Room 4"}
    assert list(SeriesRSVP.objects.filter(series=new).values_list("user_id", "response")) == [
        (world.member.pk, "going")
    ]
    # Alice is told once, with both halves in the file.
    [message] = [m for m in mail.outbox if world.member.email in m.to]
    [(_, body, _)] = message.attachments
    uids = {e["UID"] for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert uids == {weekly.uid, new.uid}
    assert "Room 4" not in message.subject and "Wednesday chats" in message.subject
    sent = services.series_change_notify(series_list=[weekly, new], sessions=[pivot.pk])
    assert sent == 0


def test_every_session_ahead_changes_in_place_when_nothing_is_past(world, weekly):
    second = weekly.sessions.order_by("starts_at")[1]
    with time_machine.travel(PLANNED, tick=False):
        same = services.series_edit(
            session=second,
            user=world.facilitator,
            data=data_for(second, starts_at=second.starts_at - timedelta(minutes=30)),
            scope=services.FUTURE,
            version=weekly.version,
            session_version=second.version,
        )

    assert same.pk == weekly.pk and same.uid == weekly.uid
    assert same.sequence == weekly.sequence + 1
    assert {local(s)[-5:] for s in same.sessions.all()} == {"17:30"}
    assert same.sessions.count() == 6


def test_every_session_ahead_never_touches_held_ones(world, weekly):
    sessions = list(weekly.sessions.order_by("starts_at"))
    with time_machine.travel(LATER, tick=False):
        new = services.series_edit(
            session=sessions[5],
            user=world.facilitator,
            data=data_for(sessions[5], duration_minutes=90),
            scope=services.FUTURE,
            version=weekly.version,
            session_version=sessions[5].version,
        )

    assert [s.duration_minutes for s in Session.objects.filter(series=weekly)] == [60, 60, 60]
    assert [s.duration_minutes for s in new.sessions.order_by("starts_at")] == [90, 90, 90]
    assert [local(s) for s in new.sessions.order_by("starts_at")] == [
        "25 Mar 18:00",
        "01 Apr 18:00",
        "08 Apr 18:00",
    ]


def test_stale_version_is_refused_and_nothing_changes(world, weekly):
    second = weekly.sessions.order_by("starts_at")[1]
    with time_machine.travel(PLANNED, tick=False), pytest.raises(services.SeriesConflict):
        services.series_edit(
            session=second,
            user=world.facilitator,
            data=data_for(second, duration_minutes=90),
            scope=services.FUTURE,
            version=weekly.version - 1,
            session_version=second.version,
        )

    assert set(weekly.sessions.values_list("duration_minutes", flat=True)) == {60}
    assert Series.objects.count() == 1


def test_a_begun_session_cannot_change_the_series(world, weekly):
    first = weekly.sessions.order_by("starts_at").first()
    with time_machine.travel(LATER, tick=False), pytest.raises(services.SessionStateError):
        services.series_edit(
            session=first,
            user=world.facilitator,
            data=data_for(first, duration_minutes=90),
            scope=services.FOLLOWING,
            version=weekly.version,
            session_version=first.version,
        )
    assert Series.objects.count() == 1


def test_planner_edit_for_following_and_the_conflict_message(client, world, weekly):
    pivot = weekly.sessions.order_by("starts_at")[4]
    url = reverse("sessions:edit", kwargs={"slug": "riverside", "pk": pivot.pk})
    post = {
        "title": "Wednesday chats",
        "description": "",
        "starts_local": "2026-04-01T19:00",
        "duration_minutes": "60",
        "location": "",
        "online_url": "",
        "version": pivot.version,
        "scope": "following",
        "series_version": weekly.version - 1,
    }
    client.force_login(world.facilitator)

    with time_machine.travel(LATER, tick=False):
        stale = client.post(url, post)
        post["series_version"] = weekly.version
        saved = client.post(url, post)

    assert stale.status_code == 200
    assert "changed this series while you were editing" in stale.content.decode()
    assert 'value="2026-04-01T19:00"' in stale.content.decode()
    assert saved.status_code == 302
    assert Series.objects.count() == 2


def test_a_series_edit_over_a_session_saved_meanwhile_shows_their_change(client, world, weekly):
    """The planner opened the session, someone else moved that one session, then the
    planner saved "this and following": the series edit would undo the other person's
    change, so nothing is saved and both versions are shown (audit finding)."""
    pivot = weekly.sessions.order_by("starts_at")[4]
    seen = pivot.version
    with time_machine.travel(LATER, tick=False):
        services.session_update(
            session=pivot,
            user=world.coordinator,
            data=data_for(pivot, location="The garden room"),
            version=seen,
        )
        with pytest.raises(services.SessionConflict):
            services.series_edit(
                session=pivot,
                user=world.facilitator,
                data=data_for(pivot, duration_minutes=90),
                scope=services.FOLLOWING,
                version=weekly.version,
                session_version=seen,
            )
        client.force_login(world.facilitator)
        page = client.post(
            reverse("sessions:edit", kwargs={"slug": "riverside", "pk": pivot.pk}),
            {
                "title": pivot.title,
                "description": "",
                "starts_local": "2026-04-01T18:00",
                "duration_minutes": "90",
                "location": "Room 4",
                "online_url": "",
                "version": seen,
                "scope": "following",
                "series_version": weekly.version,
            },
        )

    assert page.status_code == 200
    body = page.content.decode()
    assert "The garden room" in body and 'value="Room 4"' in body
    assert Series.objects.count() == 1
    assert set(weekly.sessions.values_list("duration_minutes", flat=True)) == {60}


def test_this_one_only_moves_one_session_and_tells_series_rsvps_once(
    world, weekly, django_capture_on_commit_callbacks
):
    second = weekly.sessions.order_by("starts_at")[1]
    RSVPFactory(session=second, user=world.coordinator, response="maybe")
    with (
        time_machine.travel(PLANNED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.session_update(
            session=second,
            user=world.facilitator,
            data=data_for(second, starts_at=second.starts_at + timedelta(days=1)),
            version=second.version,
        )

    keys = sorted(
        EmailDelivery.objects.filter(key__startswith="session-rescheduled").values_list(
            "key", flat=True
        )
    )
    assert keys == sorted(
        f"session-rescheduled:{second.pk}:{user.pk}:1" for user in (world.member, world.coordinator)
    )
    weekly.refresh_from_db()
    assert weekly.sequence == 1


def test_use_this_plan_for_the_following_sessions(client, world, weekly):
    sessions = list(weekly.sessions.order_by("starts_at"))
    AgendaItemFactory(session=sessions[2], title="Guest: residents' map", minutes=45)
    client.force_login(world.facilitator)
    url = reverse("sessions:series_agenda", kwargs={"slug": "riverside", "pk": sessions[2].pk})

    with time_machine.travel(PLANNED, tick=False):
        response = client.post(url)

    assert response.status_code == 302
    titles = [
        list(s.agenda_items.values_list("title", flat=True))
        for s in weekly.sessions.order_by("starts_at")
    ]
    assert titles[:2] == [[], []]
    assert titles[3:] == [["Guest: residents' map"]] * 3


def test_use_this_plan_is_404_for_members_and_single_sessions(client, world, weekly):
    session = weekly.sessions.order_by("starts_at").first()
    client.force_login(world.member)
    url = reverse("sessions:series_agenda", kwargs={"slug": "riverside", "pk": session.pk})
    single = reverse("sessions:series_agenda", kwargs={"slug": "riverside", "pk": world.session.pk})

    assert client.post(url).status_code == 404
    client.force_login(world.facilitator)
    assert client.post(single).status_code == 404
