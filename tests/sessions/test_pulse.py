"""The pulse after a held session: attendees answer once (changeably), anonymously;
facilitators see the distribution and the texts only once 5 or more answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import EmailDelivery
from sessions import services
from sessions.models import PulseAnswer, Session
from sessions.selectors import pulse_summary, series_pulse
from tests.factories import AttendanceFactory, MembershipFactory


def pulse_url(session):
    return reverse("sessions:pulse", kwargs={"slug": session.community.slug, "pk": session.pk})


def held(session, attendees):
    session.starts_at = timezone.now() - timedelta(hours=3)
    session.status = Session.Status.COMPLETED
    session.save()
    for person in attendees:
        AttendanceFactory(session=session, user=person)
    return session


def attendees(world, n):
    return [
        MembershipFactory(community=world.community, user__display_name=f"Attendee {i}").user
        for i in range(n)
    ]


def answer(session, people, face=3, better=""):
    for index, person in enumerate(people):
        services.pulse_answer(
            session=session, user=person, face=face, better=better and f"{better} {index}"
        )


def test_attendee_answers_and_the_row_names_nobody(client, world):
    held(world.session, [world.member])
    client.force_login(world.member)

    response = client.post(pulse_url(world.session), {"face": "4", "better": "More time to talk"})

    row = PulseAnswer.objects.get()
    assert response.status_code == 302
    assert (row.face, row.better) == (4, "More time to talk")
    assert row.respondent == PulseAnswer.respondent_for(world.session.pk, world.member.pk)
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), PulseAnswer._meta.db_table
        )
    ]
    assert sorted(columns) == ["better", "face", "id", "respondent", "session_id"]


def test_answering_twice_changes_the_one_answer(client, world):
    held(world.session, [world.member])
    client.force_login(world.member)

    client.post(pulse_url(world.session), {"face": "1"})
    client.post(pulse_url(world.session), {"face": "1"})
    client.post(pulse_url(world.session), {"face": "3", "better": "Shorter intro"})

    assert list(PulseAnswer.objects.values_list("face", "better")) == [(3, "Shorter intro")]
    page = client.get(world.session.get_absolute_url()).content.decode()
    assert "Change my answer" in page
    assert 'value="3" id="id_face_2" checked' in page


def test_respondent_differs_per_session_so_answers_cannot_be_joined(world):
    other = Session.objects.create(
        community=world.community, title="Another", starts_at=timezone.now()
    )
    assert PulseAnswer.respondent_for(world.session.pk, world.member.pk) != (
        PulseAnswer.respondent_for(other.pk, world.member.pk)
    )


@pytest.mark.parametrize("face", ["", "0", "5", "great", "-1"])
def test_a_bad_face_is_a_field_error_keeping_the_text(client, world, face):
    held(world.session, [world.member])
    client.force_login(world.member)

    response = client.post(pulse_url(world.session), {"face": face, "better": "kept words"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please choose one of the four faces." in html
    assert "kept words" in html
    assert PulseAnswer.objects.count() == 0


def test_someone_who_did_not_attend_cannot_answer(client, world, alice):
    held(world.session, [world.facilitator])
    client.force_login(alice)

    response = client.post(pulse_url(world.session), {"face": "2"}, follow=True)

    assert "for the people who came" in response.content.decode()
    assert PulseAnswer.objects.count() == 0


def test_pulse_waits_until_the_session_is_held(client, world):
    world.session.starts_at = timezone.now() - timedelta(minutes=5)
    world.session.save()
    AttendanceFactory(session=world.session, user=world.member)
    client.force_login(world.member)

    response = client.post(pulse_url(world.session), {"face": "2"}, follow=True)

    assert "once the session is marked held" in response.content.decode()
    assert PulseAnswer.objects.count() == 0


@pytest.mark.parametrize("who", ["other_member", "outsider"])
def test_outsiders_get_404(client, world, who):
    held(world.session, [world.member])
    client.force_login(world.user(who))

    assert client.post(pulse_url(world.session), {"face": "2"}).status_code == 404


def test_facilitator_sees_nothing_below_five(client, world):
    people = attendees(world, 4)
    held(world.session, people)
    answer(world.session, people, face=1, better="a secret wish")
    client.force_login(world.facilitator)

    html = client.get(world.session.get_absolute_url()).content.decode()

    assert "once at least 5 people have answered (fewer than 5 so far)" in html
    assert "a secret wish" not in html
    assert "Hard going" not in html
    assert 'class="pulse-summary"' not in html


def test_facilitator_sees_distribution_and_texts_at_five(client, world):
    people = attendees(world, 5)
    held(world.session, people)
    answer(world.session, people[:3], face=4, better="more of this")
    answer(world.session, people[3:], face=2)
    client.force_login(world.facilitator)

    html = client.get(world.session.get_absolute_url()).content.decode()

    assert "5 people answered." in html
    assert '<th scope="row">Great</th><td>3</td>' in html
    assert '<th scope="row">Mixed</th><td>2</td>' in html
    assert "more of this 0" in html
    # Never who answered: no attendee's name sits beside an answer.
    summary = html[
        html.index('id="pulse-box"') : html.index("</section>", html.index('id="pulse-box"'))
    ]
    for person in people:
        assert escape(person.name) not in summary


def test_members_and_leaders_never_see_the_summary(client, world, alice, erin):
    people = attendees(world, 6)
    held(world.session, [*people, alice])
    answer(world.session, people, face=2, better="private thought")
    for viewer in (alice, erin):
        client.force_login(viewer)
        html = client.get(world.session.get_absolute_url()).content.decode()
        assert "private thought" not in html
        assert 'class="pulse-summary"' not in html


def test_texts_are_in_alphabetical_order_not_answer_order(world):
    people = attendees(world, 5)
    held(world.session, people)
    for person, text in zip(people, ["zebra", "apple", "mango", "", "banana"], strict=True):
        services.pulse_answer(session=world.session, user=person, face=3, better=text)

    assert pulse_summary(world.session).texts == ("apple", "banana", "mango", "zebra")


def test_reflect_email_ends_with_the_pulse_links(world):
    world.session.starts_at = timezone.now() - timedelta(hours=2)
    world.session.save()

    services.attendance_record(
        session=world.session,
        recorded_by=world.facilitator,
        attendees=[world.member],
        complete=True,
    )

    email = EmailDelivery.objects.get(kind="session_reflect")
    link = f"/sessions/{world.session.pk}/?pulse=4#pulse-box"
    assert "how was this session for you?" in email.body_text
    assert f"Great: http://127.0.0.1:8000/c/riverside{link}" in email.body_text
    assert "<h2>How was this session for you?</h2>" in email.body_html
    assert f'{link}">😄 Great</a>' in email.body_html


def test_email_face_link_only_preselects(client, world):
    held(world.session, [world.member])
    client.force_login(world.member)

    html = client.get(world.session.get_absolute_url() + "?pulse=2").content.decode()

    assert 'value="2" id="id_face_1" checked' in html
    assert "nothing is saved until you do" in html
    assert PulseAnswer.objects.count() == 0


def test_htmx_answer_returns_the_pulse_fragment(client, world):
    held(world.session, [world.member])
    client.force_login(world.member)

    response = client.post(pulse_url(world.session), {"face": "3"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert (
        response.content.decode().lstrip().startswith('<section class="card pulse" id="pulse-box"')
    )
    assert "announce" in response["HX-Trigger-After-Settle"]


def test_series_pulse_over_time_keeps_the_floor(world):
    from tests.factories import SessionFactory

    series_sessions = []
    from sessions.models import Series

    series = Series.objects.create(
        community=world.community,
        title="Weekly",
        rule="FREQ=WEEKLY",
        start_date=timezone.now().date(),
        start_time="18:00",
        time_zone="UTC",
        uid="pulse-series",
    )
    for weeks, n in ((3, 6), (2, 2)):
        session = SessionFactory(
            community=world.community,
            series=series,
            starts_at=timezone.now() - timedelta(weeks=weeks),
            recurrence_id=timezone.now() - timedelta(weeks=weeks),
        )
        people = attendees(world, n)
        held(session, people)
        session.starts_at = timezone.now() - timedelta(weeks=weeks)
        session.save()
        answer(session, people, face=3)
        series_sessions.append(session)

    rows = series_pulse(series)

    assert [(s.pk, summary.shown, summary.answered_figure) for s, summary in rows] == [
        (series_sessions[1].pk, False, None),
        (series_sessions[0].pk, True, 6),
    ]


@pytest.mark.parametrize("n", [1, 20])
def test_pulse_summary_queries_are_bounded(client, world, django_assert_num_queries, n):
    people = attendees(world, n)
    held(world.session, people)
    answer(world.session, people, face=3, better="words")
    client.force_login(world.facilitator)

    # The held session's page for its facilitator: 1 of them for the pulse summary, 2 for
    # the facilitation-reflection panel (reflections.facilitation), 2 for the quiet voices
    # panel (the session's people, then the quiet among them).
    with django_assert_num_queries(QUERIES):
        response = client.get(world.session.get_absolute_url())

    assert response.status_code == 200
    assert ("people answered" in response.content.decode()) == (n >= 5)


QUERIES = 20


def test_series_page_shows_the_pulse_over_time_to_facilitators_only(client, world, alice):
    from sessions.models import Series

    series = Series.objects.create(
        community=world.community,
        title="Weekly",
        rule="FREQ=WEEKLY",
        start_date=timezone.now().date(),
        start_time="18:00",
        time_zone="UTC",
        uid="pulse-series-page",
        is_live=True,
    )
    world.session.series = series
    world.session.recurrence_id = world.session.starts_at
    world.session.save()
    people = attendees(world, 3)
    held(world.session, people)
    answer(world.session, people, face=1, better="never shown")
    url = reverse("sessions:series", kwargs={"slug": "riverside", "pk": series.pk})

    client.force_login(world.facilitator)
    facilitator_view = client.get(url).content.decode()
    client.force_login(alice)
    member_view = client.get(url).content.decode()

    assert "The pulse over time" in facilitator_view
    assert '<td colspan="5">fewer than 5</td>' in facilitator_view
    assert "never shown" not in facilitator_view
    assert "The pulse over time" not in member_view
