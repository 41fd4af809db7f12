from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from accounts.models import EmailDelivery, User
from communities.models import Community
from sessions.models import AgendaItem, Attendance, Series, Session

# Every test reads the demo, seeded once for the module (tests/conftest.py `demo_site`).
pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_main_community_a_living_calendar(demo_site):
    sessions = Session.objects.filter(community__slug="systems-mapping")
    now = timezone.now()

    soon = sessions.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + timedelta(hours=24)
    ).get()
    assert soon.rsvps.filter(user__email="member@example.com", response="going").exists()
    # At an hour people meet, whenever the demo was seeded.
    assert soon.starts_at.astimezone(soon.community.zoneinfo).hour in (9, 13, 18)
    assert sessions.filter(status=Session.Status.COMPLETED, starts_at__lt=now).count() >= 3
    assert Attendance.objects.filter(session__in=sessions).count() >= 10
    assert sessions.filter(status=Session.Status.DRAFT).count() == 1
    single = sessions.filter(series__isnull=True)
    assert single.filter(status=Session.Status.CANCELLED).exclude(cancel_reason="").count() == 1
    later = sessions.filter(status=Session.Status.SCHEDULED, starts_at__gt=now + timedelta(days=1))
    assert later.count() >= 2
    kinds = list(later.first().agenda_items.values_list("kind", flat=True))
    assert kinds[0] == AgendaItem.Kind.REVIEW_ACTIONS
    assert kinds[-1] == AgendaItem.Kind.REFLECT
    latest_held = sessions.get(title__endswith="reading a map aloud")
    invited = EmailDelivery.objects.filter(key__startswith=f"reflect-invite:{latest_held.pk}:")
    assert invited.filter(to_email="member@example.com").count() == 1
    walk_in = latest_held.attendances.get(walk_in=True)
    assert not latest_held.rsvps.filter(user=walk_in.user).exists()
    assert invited.filter(to_email=walk_in.user.email).count() == 1


def test_seed_demo_pages_render_for_the_demo_member(client, demo_site):
    client.login(email="member@example.com", password="practice-together")
    session = Session.objects.filter(status=Session.Status.COMPLETED).first()

    listing = client.get("/c/systems-mapping/sessions/")
    detail = client.get(session.get_absolute_url())
    home = client.get("/")

    assert listing.status_code == detail.status_code == home.status_code == 200
    assert "boundaries and edges" in listing.content.decode()
    assert "Reflect on this session" in detail.content.decode()
    assert "boundaries and edges" in home.content.decode()


def test_seed_demo_pages_render_for_the_demo_facilitator(client, demo_site):
    client.login(email="facilitator@example.com", password="practice-together")
    held = Session.objects.filter(status=Session.Status.COMPLETED).first()
    upcoming = Session.objects.filter(title__endswith="maps for decisions").get()

    attendance = client.get(f"/c/systems-mapping/sessions/{held.pk}/attendance/")
    planner = client.get(f"/c/systems-mapping/sessions/{upcoming.pk}/edit/")
    listing = client.get("/c/systems-mapping/sessions/")

    assert attendance.status_code == planner.status_code == 200
    assert "Mina Member" in attendance.content.decode()
    latest = Session.objects.get(title__endswith="reading a map aloud")
    walk_in = latest.attendances.get(walk_in=True).user_id
    shown = client.get(f"/c/systems-mapping/sessions/{latest.pk}/attendance/").content.decode()
    assert f'value="{walk_in}" id="id_attendees_{walk_in}" checked>' in shown
    assert "Review our open actions" in planner.content.decode()
    assert "open studio" in listing.content.decode()


def test_seed_demo_has_a_session_under_way_whose_page_shows_it_happening_now(client, demo_site):
    client.login(email="member@example.com", password="practice-together")
    now = timezone.now()

    running = Session.objects.get(
        community__slug="systems-mapping",
        status=Session.Status.SCHEDULED,
        starts_at__lte=now,
        starts_at__gte=now - timedelta(minutes=30),
    )
    page = client.get(running.get_absolute_url()).content.decode()

    assert running.current_stage == Session.DURING
    assert "happening now" in page
    assert "Join online now" in page


def test_seed_demo_gives_the_main_community_templates_and_a_session_from_one(client, demo_site):
    community = Community.objects.get(slug="systems-mapping")
    source = Session.objects.get(community=community, title="Mapping clinic: causal loops")

    names = sorted(community.session_templates.values_list("name", flat=True))
    own = community.session_templates.get(name="Our mapping clinic")
    planned = Session.objects.get(
        community=community, title__startswith="Mapping clinic: ", title__regex=r"\d{4}$"
    )
    client.login(email="facilitator@example.com", password="practice-together")
    library = client.get("/c/systems-mapping/sessions/templates/")

    assert names == [
        "Clinic on real work",
        "Our mapping clinic",
        "Retro that ends in actions",
        "Show and tell",
    ]
    assert list(own.items.values_list("title", "minutes", "kind")) == list(
        source.agenda_items.values_list("title", "minutes", "kind")
    )
    assert own.items.filter(aligned_outcomes__isnull=False).exists()
    assert planned.status == Session.Status.SCHEDULED and planned.starts_at > timezone.now()
    assert list(planned.agenda_items.values_list("title", flat=True)) == list(
        own.items.values_list("title", flat=True)
    )
    assert planned.agenda_items.filter(aligned_outcomes__isnull=False).exists()
    # Every demo community has the built-ins, as a community made on the site would.
    for other in Community.objects.exclude(pk=community.pk):
        assert other.session_templates.exclude(builtin="").count() == 3
    assert library.status_code == 200
    assert "Our mapping clinic" in library.content.decode()


def test_seed_demo_has_a_fortnightly_series_with_its_past_and_future(client, demo_site):
    series = Series.objects.get(community__slug="systems-mapping")
    sessions = list(series.sessions.order_by("starts_at"))
    now = timezone.now()
    tz = series.zoneinfo

    assert series.rule.startswith("FREQ=WEEKLY;INTERVAL=2;")
    assert [s.status for s in sessions if s.starts_at < now] == ["completed"] * 5 + ["cancelled"]
    assert all(s.attendances.exists() for s in sessions[:5])
    future = [s for s in sessions if s.starts_at > now]
    # Across a clock change, at the same local time (but the moved one).
    assert len({s.starts_at.astimezone(tz).utcoffset() for s in future}) == 2
    moved = [s for s in future if s.starts_at != s.recurrence_id]
    assert len(moved) == 1
    assert {s.starts_at.astimezone(tz).strftime("%H:%M") for s in future} == {"13:00"}
    member = User.objects.get(email="member@example.com")
    assert series.rsvps.get(user=member).response == "going"

    client.force_login(member)
    listing = client.get("/c/systems-mapping/sessions/").content.decode()
    page = client.get(series.get_absolute_url())
    feed = icalendar.Calendar.from_ical(
        client.get(f"/calendar/{member.calendar_token}.ics").content
    )
    upcoming = client.get(future[0].get_absolute_url()).content.decode()

    assert "Part of <a" in listing
    assert page.status_code == 200 and "skipped" in page.content.decode()
    [master] = [e for e in feed.walk("VEVENT") if e["UID"] == series.uid and "RRULE" in e]
    assert master["RRULE"]["INTERVAL"] == [2]
    assert "Rewrite one jargon label" in upcoming and "from last time" in upcoming
