from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from communities.models import Membership
from core.plugins import Panel
from sessions.models import RSVP, Session
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MembershipFactory,
    OutcomeFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)
from tests.html import text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def rsvp_url(session):
    return reverse("sessions:rsvp", kwargs={"slug": session.community.slug, "pk": session.pk})


def test_detail_shows_time_in_viewer_and_community_timezones(client, world):
    world.member.timezone = "Asia/Tokyo"
    world.member.save()
    world.session.starts_at = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    world.session.save()
    client.force_login(world.member)

    page = client.get(world.session.get_absolute_url()).content.decode()

    assert "Tuesday 2 June 2026, 02:00–03:30</strong> your time (Asia/Tokyo)" in page
    assert "Monday 1 June 2026, 18:00–19:30 in" in page
    assert "(Europe/London)" in page


def test_detail_online_link_and_names_for_members_only(client, world):
    world.session.online_url = "https://meet.example.org/secret"
    world.session.save()
    RSVPFactory(session=world.session, user=world.coordinator, response="going")

    client.force_login(world.member)
    member_page = client.get(world.session.get_absolute_url()).content.decode()
    client.force_login(world.outsider)
    outsider_page = client.get(world.session.get_absolute_url()).content.decode()

    assert "https://meet.example.org/secret" in member_page
    assert "Going (1): Carol" in text(member_page)
    assert "https://meet.example.org/secret" not in outsider_page
    assert "Carol" not in outsider_page
    assert "fewer than 5 going, 0 maybe" in outsider_page
    assert "Join the community to RSVP" in outsider_page


def test_outsiders_see_head_counts_only_from_five_people(client, world):
    """The privacy floor holds for head counts too: an outsider on an open community's
    session page and list reads 1–4 people as "fewer than 5"; members see exact counts."""
    people = [world.coordinator, *(UserFactory() for _ in range(4))]
    for person in people[:4]:
        RSVPFactory(session=world.session, user=person, response="going")
    client.force_login(world.outsider)
    sessions_url = reverse("sessions:list", args=[world.community.slug])

    four = client.get(world.session.get_absolute_url()).content.decode()
    four_listed = client.get(sessions_url).content.decode()
    RSVPFactory(session=world.session, user=people[4], response="going")
    five = client.get(world.session.get_absolute_url()).content.decode()
    client.force_login(world.member)
    member_listed = client.get(sessions_url).content.decode()

    assert "fewer than 5 going, 0 maybe." in four
    assert "fewer than 5 going" in four_listed
    assert "5 going, 0 maybe." in five
    assert "4 going" not in four_listed
    assert "5 going" in member_listed


def test_detail_renders_session_panels(client, world, monkeypatch):
    seen = []

    def fake_collect(hook, request, access, session):
        seen.append((hook, access.membership.user, session.pk))
        context = {"community": world.community, "next_session": None}
        return [Panel("sessions/includes/community_panel.html", context)]

    monkeypatch.setattr("sessions.views.collect_panels", fake_collect)
    client.force_login(world.member)

    response = client.get(world.session.get_absolute_url())

    assert seen == [("session_panel", world.member, world.session.pk)]
    assert '<h2 id="next-session">Next session</h2>' in response.content.decode()


def test_rsvp_with_htmx_returns_the_box_and_saves(client, world):
    client.force_login(world.member)

    response = client.post(
        rsvp_url(world.session), {"response": "maybe"}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card" id="rsvp-box"')
    assert "Your answer: maybe." in page
    assert "Maybe (1): Alice" in text(page)
    assert RSVP.objects.get(session=world.session, user=world.member).response == "maybe"


def test_rsvp_without_js_redirects_and_changes_the_answer(client, world):
    client.force_login(world.member)

    client.post(rsvp_url(world.session), {"response": "going"})
    response = client.post(rsvp_url(world.session), {"response": "not_going"}, follow=True)

    assert "Thanks, your answer is saved." in response.content.decode()
    assert list(world.session.rsvps.values_list("response", flat=True)) == ["not_going"]


@pytest.mark.parametrize("htmx", [True, False])
def test_rsvp_to_a_cancelled_session_is_refused(client, world, htmx):
    world.session.status = Session.Status.CANCELLED
    world.session.save()
    client.force_login(world.member)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        rsvp_url(world.session), {"response": "going"}, headers=headers, follow=True
    )

    assert "cancelled, so it takes no RSVPs" in response.content.decode()
    assert not world.session.rsvps.exists()


def test_rsvp_to_a_past_session_is_refused(client, world):
    world.session.starts_at = timezone.now() - timedelta(days=1)
    world.session.save()
    client.force_login(world.member)

    response = client.post(rsvp_url(world.session), {"response": "going"}, follow=True)

    assert "already started" in response.content.decode()
    assert not world.session.rsvps.exists()


def test_rsvp_with_a_bad_answer_is_refused(client, world):
    client.force_login(world.member)

    response = client.post(
        rsvp_url(world.session), {"response": "yes!!"}, headers={"HX-Request": "true"}
    )

    assert "Please choose going, maybe or not going." in response.content.decode()
    assert not world.session.rsvps.exists()


def test_list_shows_upcoming_past_and_empty_states(client, world):
    SessionFactory(
        community=world.community,
        title="Held",
        starts_at=timezone.now() - timedelta(days=7),
        status=Session.Status.COMPLETED,
    )
    SessionFactory(community=world.other_community, title="Not ours")
    RSVPFactory(session=world.session, user=world.member, response="going")
    client.force_login(world.member)

    page = client.get(reverse("sessions:list", kwargs={"slug": "riverside"})).content.decode()

    assert "Causal loops" in page
    assert "1 going You're going" in text(page)
    assert "Held" in page
    assert "Not ours" not in page
    assert "Reset my calendar link" in page


def test_list_pages_back_through_every_past_session(client, world):
    for days in range(1, 36):
        SessionFactory(
            community=world.community,
            title=f"Held {days} days ago",
            starts_at=timezone.now() - timedelta(days=days),
            status=Session.Status.COMPLETED,
        )
    client.force_login(world.member)
    url = reverse("sessions:list", kwargs={"slug": "riverside"})

    # Pages go by "older than this one" links (core.paging.KeysetPage), not page numbers.
    oldest_shown = Session.objects.get(title="Held 30 days ago")
    newest_older = Session.objects.get(title="Held 31 days ago")
    first = client.get(url).content.decode()
    second = client.get(url + f"?before={oldest_shown.pk}").content.decode()
    back = client.get(url + f"?after={newest_older.pk}").content.decode()
    junk = [
        client.get(url + query) for query in ("?before=nope", "?after=-1", "?before=" + "9" * 30)
    ]

    assert "Held 1 days ago" in first and "Held 30 days ago" in first
    assert "Held 31 days ago" not in first
    assert f'href="?before={oldest_shown.pk}#past-heading" rel="next">Older' in first
    assert 'rel="prev"' not in first
    assert "Held 31 days ago" in second and "Held 35 days ago" in second
    assert "Held 30 days ago" not in second
    assert f'href="?after={newest_older.pk}#past-heading" rel="prev">Newer' in second
    assert 'rel="next"' not in second
    assert "Held 1 days ago" in back and "Held 30 days ago" in back
    assert "Held 31 days ago" not in back
    assert all(response.status_code == 200 for response in junk)
    assert all("Held 1 days ago" in response.content.decode() for response in junk)


def test_list_older_link_of_a_session_one_may_not_see_shows_the_newest(client, world):
    for days in range(1, 36):
        SessionFactory(
            community=world.community,
            title=f"Held {days} days ago",
            starts_at=timezone.now() - timedelta(days=days),
            status=Session.Status.COMPLETED,
        )
    elsewhere = SessionFactory(
        title="Not ours", starts_at=timezone.now() - timedelta(days=10), status="completed"
    )
    client.force_login(world.member)
    url = reverse("sessions:list", kwargs={"slug": "riverside"})

    page = client.get(url + f"?before={elsewhere.pk}").content.decode()

    assert "Held 1 days ago" in page and "Held 31 days ago" not in page
    assert "Not ours" not in page


def test_list_empty_state_tells_facilitators_what_to_do(client, world):
    world.session.delete()
    client.force_login(world.facilitator)

    page = client.get(reverse("sessions:list", kwargs={"slug": "riverside"})).content.decode()

    assert "No sessions are planned yet. Plan the next one" in page
    assert "Plan a session" in page


# --- attendance -------------------------------------------------------------------------


def attendance_url(session):
    return reverse("sessions:attendance", kwargs={"slug": session.community.slug, "pk": session.pk})


def test_attendance_before_the_start_is_not_offered(client, world):
    client.force_login(world.facilitator)

    response = client.get(attendance_url(world.session), follow=True)

    assert "once the session has started" in response.content.decode()


def test_attendance_checklist_puts_rsvps_first_and_records_walk_ins(client, world):
    world.session.starts_at = timezone.now() - timedelta(minutes=10)
    world.session.save()
    RSVPFactory(session=world.session, user=world.member, response="going")
    client.force_login(world.facilitator)

    page = client.get(attendance_url(world.session)).content.decode()
    found = client.post(
        attendance_url(world.session),
        {"attendees": [world.member.pk], "attendees_q": "car", "find": "attendees"},
    ).content.decode()
    response = client.post(
        attendance_url(world.session),
        {"attendees": [world.member.pk, world.coordinator.pk], "complete": "on"},
    )

    said, walk_ins = page.split("Walk-ins")
    assert "Alice" in said and "Carol" not in said
    # Walk-ins are found by name, never listed: only the search shows Carol.
    assert "Carol" not in walk_ins and "Bob" not in walk_ins
    assert f'value="{world.coordinator.pk}" id="id_attendees_{world.coordinator.pk}">' in found
    assert f'id="att-{world.member.pk}" checked' in found
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert world.session.status == Session.Status.COMPLETED
    assert dict(world.session.attendances.values_list("user__display_name", "walk_in")) == {
        "Alice": False,
        "Carol": True,
    }


def test_attendance_rejects_people_outside_the_community(client, world):
    world.session.starts_at = timezone.now() - timedelta(minutes=10)
    world.session.save()
    client.force_login(world.facilitator)

    response = client.post(attendance_url(world.session), {"attendees": [world.outsider.pk]})

    assert response.status_code == 200
    assert "Choose people who are active members of this community." in response.content.decode()
    assert not world.session.attendances.exists()


def test_attendance_with_junk_ids_is_a_field_error_not_a_server_error(client, world):
    world.session.starts_at = timezone.now() - timedelta(minutes=10)
    world.session.save()
    client.force_login(world.facilitator)

    response = client.post(attendance_url(world.session), {"attendees": ["²", "x", "-1"]})

    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors
    assert not world.session.attendances.exists()


def test_attendance_can_be_corrected_later(client, world):
    world.session.starts_at = timezone.now() - timedelta(minutes=10)
    world.session.save()
    AttendanceFactory(session=world.session, user=world.member)
    client.force_login(world.facilitator)

    client.post(attendance_url(world.session), {"attendees": [world.coordinator.pk]})

    assert list(world.session.attendances.values_list("user", flat=True)) == [world.coordinator.pk]


def test_completed_session_invites_attendees_to_reflect(client, world):
    world.session.starts_at = timezone.now() - timedelta(days=1)
    world.session.status = Session.Status.COMPLETED
    world.session.save()
    AttendanceFactory(session=world.session, user=world.member)
    path = world.session.get_absolute_url()

    client.force_login(world.member)
    attendee_page = client.get(path).content.decode()
    client.force_login(world.coordinator)
    absentee_page = client.get(path).content.decode()

    link = f'href="/c/riverside/reflections/new/?session={world.session.pk}"'
    assert link in attendee_page
    assert link in absentee_page
    # Only attendees are thanked; every member is invited to reflect after the session.
    assert "Thanks for coming" in attendee_page
    assert "Thanks for coming" not in absentee_page


def test_completing_a_session_emails_each_attendee_an_invitation_to_reflect_once(
    client, world, django_capture_on_commit_callbacks
):
    world.session.starts_at = timezone.now() - timedelta(minutes=90)
    world.session.save()
    world.member.timezone = "Asia/Tokyo"
    world.member.save()
    Membership.objects.filter(user=world.coordinator).update(muted=True)
    client.force_login(world.facilitator)
    url = attendance_url(world.session)
    everyone = [world.member.pk, world.coordinator.pk, world.facilitator.pk]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"attendees": [world.member.pk]})
    before_completion = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"attendees": [world.member.pk, world.coordinator.pk], "complete": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"attendees": everyone})

    assert before_completion == 0
    # Alice once (not again when the list is corrected), the late walk-in Bob once, and
    # nobody for Carol, who muted the community.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.member.email, world.facilitator.email]
    )
    message = next(m for m in mail.outbox if m.to == [world.member.email])
    reflect = f"/c/riverside/reflections/new/?session={world.session.pk}"
    assert message.subject == "Thanks for coming to Causal loops: what did you notice?"
    assert reflect in message.body
    assert f'href="{settings.SITE_URL}{reflect}"' in message.alternatives[0][0]
    assert "List-Unsubscribe" in message.extra_headers
    local_day = timezone.localtime(world.session.starts_at, world.member.zoneinfo)
    assert f"{local_day:%A} {local_day.day} {local_day:%B}" in message.body


def test_no_invitation_to_reflect_for_who_turned_session_emails_off(
    client, world, django_capture_on_commit_callbacks
):
    world.session.starts_at = timezone.now() - timedelta(minutes=90)
    world.session.save()
    world.member.remind_24h = world.member.remind_1h = False
    world.member.save()
    client.force_login(world.facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            attendance_url(world.session), {"attendees": [world.member.pk], "complete": "on"}
        )

    assert response.status_code == 302
    assert mail.outbox == []


# --- query counts ---------------------------------------------------------------------


def many_sessions(world, n):
    for index in range(n):
        session = SessionFactory(
            community=world.community, starts_at=timezone.now() + timedelta(days=index + 1)
        )
        RSVPFactory(session=session, user=world.member)
        SessionFactory(
            community=world.community,
            starts_at=timezone.now() - timedelta(days=index + 2),
            status=Session.Status.COMPLETED,
        )
        SessionFactory(community=world.community, status=Session.Status.DRAFT)


@pytest.mark.parametrize("n", [1, 20])
def test_list_queries_are_bounded(client, world, django_assert_num_queries, n):
    many_sessions(world, n)
    client.force_login(world.facilitator)

    # 8: the past sessions go by keyset links (core.paging.KeysetPage), without the COUNT
    # page numbers needed (9 before).
    with django_assert_num_queries(8):
        response = client.get(reverse("sessions:list", kwargs={"slug": "riverside"}))

    assert response.status_code == 200
    first = world.community.sessions.filter(status="completed").latest("starts_at")
    assert escape(first.title) in response.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_detail_queries_are_bounded(client, world, django_assert_num_queries, n):
    for index in range(n):
        item = AgendaItemFactory(session=world.session)
        MembershipFactory(community=world.community)
        item.aligned_outcomes.add(OutcomeFactory(community=world.community))
        person = MembershipFactory(community=world.community).user
        RSVPFactory(session=world.session, user=person, response=["going", "maybe"][index % 2])
        world.session.facilitators.add(person)
    client.force_login(world.member)

    # 10 for the page and the reflections panel, 1 for the responses to the session; the
    # reviews panel (shared work, review rounds, whether I attended) waits until the
    # session is over and costs nothing before.
    with django_assert_num_queries(11):
        response = client.get(world.session.get_absolute_url())

    assert response.status_code == 200
    assert escape(person.name) in response.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_attendance_page_queries_are_bounded(client, world, django_assert_num_queries, n):
    world.session.starts_at = timezone.now() - timedelta(minutes=5)
    world.session.save()
    for _ in range(n):
        person = MembershipFactory(community=world.community).user
        RSVPFactory(session=world.session, user=person)
    client.force_login(world.facilitator)

    # One fewer than when every member was listed: walk-ins are found, not listed.
    with django_assert_num_queries(7):
        response = client.get(attendance_url(world.session))

    assert response.status_code == 200
    assert escape(person.name) in response.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_planner_queries_are_bounded(client, world, django_assert_num_queries, n):
    for _ in range(n):
        item = AgendaItemFactory(session=world.session)
        item.aligned_outcomes.add(OutcomeFactory(community=world.community))
        MembershipFactory(community=world.community)
    client.force_login(world.facilitator)

    with django_assert_num_queries(10):
        response = client.get(
            reverse("sessions:edit", kwargs={"slug": "riverside", "pk": world.session.pk})
        )

    assert response.status_code == 200
    assert escape(item.title) in response.content.decode()


def test_coordinator_turns_off_day_before_reminders(client, world):
    from sessions.models import SessionSettings

    client.force_login(world.coordinator)
    path = reverse("sessions:settings", kwargs={"slug": "riverside"})

    page = client.get(path).content.decode()
    response = client.post(path, {"remind_1h": "on"})

    row = SessionSettings.objects.get(community=world.community)
    assert "Send reminders a day before" in page
    assert response.status_code == 302
    assert (row.remind_24h, row.remind_1h) == (False, True)
