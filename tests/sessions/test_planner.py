from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from sessions.models import AgendaItem, Session
from tests.factories import AgendaItemFactory, OutcomeFactory, RSVPFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def plan_data(**overrides):
    data = {
        "title": "Leverage points",
        "description": "Bring a **map**.",
        "starts_local": "2026-04-02T18:30",
        "duration_minutes": "90",
        "location": "Room 2",
        "online_url": "https://meet.example.org/maps",
    }
    data.update(overrides)
    return data


def new_url(world):
    return reverse("sessions:new", kwargs={"slug": world.community.slug})


def edit_url(session):
    return reverse("sessions:edit", kwargs={"slug": session.community.slug, "pk": session.pk})


@time_machine.travel(NOW, tick=False)
def test_planner_creates_a_draft_in_the_communitys_timezone(client, world):
    client.force_login(world.facilitator)

    response = client.post(new_url(world), plan_data(facilitators=[world.member.pk]))

    session = Session.objects.get(title="Leverage points")
    assert response.status_code == 302
    assert response["Location"] == edit_url(session)
    assert session.status == Session.Status.DRAFT
    # 18:30 in London on 2 April is British Summer Time: 17:30 UTC.
    assert session.starts_at == datetime(2026, 4, 2, 17, 30, tzinfo=UTC)
    assert set(session.facilitators.all()) == {world.facilitator, world.member}


@time_machine.travel(NOW, tick=False)
def test_planner_shows_the_facilitators_own_time_when_different(client, world):
    world.facilitator.timezone = "America/New_York"
    world.facilitator.save()
    session = SessionFactory(
        community=world.community, starts_at=datetime(2026, 4, 2, 17, 30, tzinfo=UTC)
    )
    client.force_login(world.facilitator)

    page = client.get(edit_url(session)).content.decode()

    assert "Your own timezone is America/New_York" in page
    assert "Thursday 2 April 2026, 13:30 in your own timezone (America/New_York)" in page
    assert 'value="2026-04-02T18:30"' in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "field,value,message",
    [
        ("duration_minutes", "0", "at least one minute"),
        ("duration_minutes", "-30", "at least one minute"),
        ("online_url", "not a link", "Enter a valid URL"),
        ("starts_local", "2026-03-29T01:30", "does not exist in Europe/London"),
        ("starts_local", "2026-03-01T10:00", "already passed"),
        ("starts_local", "tomorrow-ish", "Enter a valid date/time"),
        ("starts_local", "2036-04-02T18:30", "more than five years ahead"),
        ("starts_local", "9999-12-31T23:59", "more than five years ahead"),
        ("title", "", "This field is required"),
    ],
)
def test_planner_bad_input_gives_field_errors_and_keeps_input(client, world, field, value, message):
    client.force_login(world.facilitator)

    response = client.post(new_url(world), plan_data(**{field: value}))

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert "Leverage points" in page or field == "title"
    assert not Session.objects.filter(title="Leverage points").exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("zone", "value"),
    [("Europe/Berlin", "0001-01-01T00:00"), ("America/Los_Angeles", "9999-12-31T23:59")],
)
def test_planner_time_with_no_utc_instant_is_a_field_error(client, world, zone, value):
    """Year 1 east of Greenwich and year 9999 west of it overflow Python's datetime."""
    world.community.timezone = zone
    world.community.save()
    client.force_login(world.facilitator)

    response = client.post(new_url(world), plan_data(starts_local=value))

    assert response.status_code == 200
    assert response.context["form"].errors["starts_local"] == [
        "Please pick a date in the coming years."
    ]
    assert not Session.objects.filter(title="Leverage points").exists()


@time_machine.travel(NOW, tick=False)
def test_planner_ambiguous_time_is_the_first_occurrence(client, world):
    """01:30 on 25 October 2026 happens twice in London: we take the earlier (BST) one."""
    client.force_login(world.facilitator)

    client.post(new_url(world), plan_data(starts_local="2026-10-25T01:30"))

    session = Session.objects.get(title="Leverage points")
    assert session.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_edit_with_a_stale_version_shows_their_changes_and_keeps_mine(client, world):
    session = SessionFactory(
        community=world.community, title="Old title", starts_at=datetime(2026, 4, 2, 17, tzinfo=UTC)
    )
    stale_version = session.version
    # Another facilitator saves first.
    Session.objects.filter(pk=session.pk).update(title="Their title", version=stale_version + 1)
    client.force_login(world.facilitator)

    response = client.post(edit_url(session), plan_data(title="My title", version=stale_version))

    page = response.content.decode()
    session.refresh_from_db()
    assert response.status_code == 200
    assert "Someone changed this meanwhile" in page
    assert "<h1>Plan: Their title</h1>" in page
    assert "<td>Their title</td>" in page
    assert 'value="My title"' in page
    assert session.title == "Their title"
    assert f'name="version" value="{stale_version + 1}"' in page


@time_machine.travel(NOW, tick=False)
def test_edit_after_seeing_the_conflict_saves_on_top(client, world):
    session = SessionFactory(community=world.community, title="Old")
    client.force_login(world.facilitator)

    response = client.post(edit_url(session), plan_data(title="Mine", version=session.version))

    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.title, session.version) == ("Mine", 2)


@time_machine.travel(NOW, tick=False)
def test_reschedule_keeps_rsvps_bumps_sequence_and_tells_those_who_rsvped(
    client, world, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        community=world.community, title="Loops", starts_at=datetime(2026, 4, 2, 17, tzinfo=UTC)
    )
    RSVPFactory(session=session, user=world.member, response="going")
    client.force_login(world.facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit_url(session),
            plan_data(title="Loops", starts_local="2026-04-09T19:00", version=session.version),
        )
        # Saving again without a time change tells nobody again.
        session.refresh_from_db()
        client.post(
            edit_url(session),
            plan_data(title="Loops", starts_local="2026-04-09T19:00", version=session.version),
        )

    session.refresh_from_db()
    assert session.sequence == 1
    assert session.rsvps.get().user == world.member
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    message = mail.outbox[0]
    assert "New time: Loops" in message.subject
    assert "Thursday 9 April 2026, 19:00" in message.body
    assert "Thursday 9 April 2026, 19:00" in message.alternatives[0][0]
    assert message.attachments[0][0] == f"session-{session.pk}.ics"
    assert "SEQUENCE:1" in message.attachments[0][1]


@time_machine.travel(NOW, tick=False)
def test_publish_makes_a_draft_visible(client, world):
    session = SessionFactory(community=world.community, status=Session.Status.DRAFT)
    client.force_login(world.facilitator)

    response = client.post(
        reverse("sessions:publish", kwargs={"slug": world.community.slug, "pk": session.pk})
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.status == Session.Status.SCHEDULED


@time_machine.travel(NOW, tick=False)
def test_publish_a_past_draft_is_refused_kindly(client, world):
    session = SessionFactory(
        community=world.community,
        status=Session.Status.DRAFT,
        starts_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    client.force_login(world.facilitator)

    response = client.post(
        reverse("sessions:publish", kwargs={"slug": world.community.slug, "pk": session.pk}),
        follow=True,
    )

    session.refresh_from_db()
    assert "choose a new time" in response.content.decode()
    assert session.status == Session.Status.DRAFT


@time_machine.travel(NOW, tick=False)
def test_cancel_needs_a_reason_and_notifies_going_and_maybe_once(
    client, world, django_capture_on_commit_callbacks
):
    session = SessionFactory(community=world.community, title="Loops")
    RSVPFactory(session=session, user=world.member, response="going")
    RSVPFactory(session=session, user=world.coordinator, response="not_going")
    client.force_login(world.facilitator)
    path = reverse("sessions:cancel", kwargs={"slug": world.community.slug, "pk": session.pk})

    empty = client.post(path, {"reason": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"reason": "Snow day"})
        client.post(path, {"reason": "Snow day again"})

    session.refresh_from_db()
    assert "This field is required" in empty.content.decode()
    assert (session.status, session.cancel_reason, session.sequence) == (
        Session.Status.CANCELLED,
        "Snow day",
        1,
    )
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert "Cancelled: Loops" in mail.outbox[0].subject
    assert "Snow day" in mail.outbox[0].body
    assert "Snow day" in mail.outbox[0].alternatives[0][0]
    assert "STATUS:CANCELLED" in mail.outbox[0].attachments[0][1]
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


def test_edit_of_a_cancelled_session_redirects_to_its_page(client, world):
    session = SessionFactory(community=world.community, status=Session.Status.CANCELLED)
    client.force_login(world.facilitator)

    response = client.get(edit_url(session))

    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()


# --- agenda builder -------------------------------------------------------------------


def agenda_url(name, session, **kw):
    return reverse(
        f"sessions:{name}", kwargs={"slug": session.community.slug, "pk": session.pk, **kw}
    )


def titles(session):
    return list(session.agenda_items.values_list("title", flat=True))


def test_agenda_add_with_htmx_returns_the_agenda_fragment(client, world):
    client.force_login(world.facilitator)

    response = client.post(
        agenda_url("agenda_add", world.session),
        {"new-title": "Live mapping", "new-minutes": "40"},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="agenda"')
    assert "Live mapping" in page
    assert "40 of 90 minutes planned" in page
    assert titles(world.session) == ["Live mapping"]


def test_agenda_add_without_js_redirects_to_the_planner(client, world):
    client.force_login(world.facilitator)

    response = client.post(
        agenda_url("agenda_add", world.session), {"new-title": "Live", "new-minutes": "40"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/edit/#agenda")


@pytest.mark.parametrize("htmx", [True, False])
def test_agenda_item_of_zero_minutes_is_refused_on_the_field(client, world, htmx):
    client.force_login(world.facilitator)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        agenda_url("agenda_add", world.session),
        {"new-title": "Nothing", "new-minutes": "0"},
        headers=headers,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "An agenda item needs at least one minute." in page
    assert 'value="Nothing"' in page
    assert titles(world.session) == []


def test_agenda_overflow_shows_a_kind_warning(client, world):
    AgendaItemFactory(session=world.session, minutes=80)
    client.force_login(world.facilitator)

    response = client.post(
        agenda_url("agenda_add", world.session),
        {"new-title": "More", "new-minutes": "25"},
        headers={"HX-Request": "true"},
    )

    assert "runs 15 minutes over the session" in response.content.decode()


def test_agenda_bookends_go_first_and_last_once(client, world):
    AgendaItemFactory(session=world.session, title="Mapping", position=0)
    client.force_login(world.facilitator)

    for kind in ["reflect", "review_actions", "reflect"]:
        client.post(agenda_url("agenda_bookend", world.session, kind=kind))

    assert titles(world.session) == ["Review our open actions", "Mapping", "Reflect"]
    assert list(world.session.agenda_items.values_list("kind", flat=True)) == [
        AgendaItem.Kind.REVIEW_ACTIONS,
        AgendaItem.Kind.ACTIVITY,
        AgendaItem.Kind.REFLECT,
    ]


def test_agenda_unknown_bookend_is_not_found(client, world):
    client.force_login(world.facilitator)

    response = client.post(agenda_url("agenda_bookend", world.session, kind="party"))

    assert response.status_code == 404


def test_agenda_move_and_remove(client, world):
    first = AgendaItemFactory(session=world.session, title="A", position=0)
    AgendaItemFactory(session=world.session, title="B", position=1)
    third = AgendaItemFactory(session=world.session, title="C", position=2)
    client.force_login(world.facilitator)

    client.post(agenda_url("agenda_move", world.session, item_pk=third.pk), {"direction": "up"})
    client.post(agenda_url("agenda_move", world.session, item_pk=first.pk), {"direction": "up"})
    client.post(agenda_url("agenda_move", world.session, item_pk=first.pk), {"direction": "x"})
    after_moves = titles(world.session)
    client.post(agenda_url("agenda_remove", world.session, item_pk=first.pk))

    assert after_moves == ["A", "C", "B"]
    assert titles(world.session) == ["C", "B"]
    assert list(world.session.agenda_items.values_list("position", flat=True)) == [0, 1]


def test_agenda_edit_aligns_outcomes_of_this_community_only(client, world):
    item = AgendaItemFactory(session=world.session, title="Mapping")
    ours = OutcomeFactory(community=world.community, statement="map with confidence")
    OutcomeFactory(community=world.community, statement="still proposed", status="proposed")
    theirs = OutcomeFactory(community=world.other_community)
    client.force_login(world.facilitator)
    path = agenda_url("agenda_edit", world.session, item_pk=item.pk)

    form_page = client.get(path, headers={"HX-Request": "true"}).content.decode()
    refused = client.post(
        path,
        {"item-title": "Mapping", "item-minutes": "30", "item-aligned_outcomes": [theirs.pk]},
    )
    accepted = client.post(
        path,
        {
            "item-title": "Mapping!",
            "item-minutes": "30",
            "item-aligned_outcomes": [ours.pk],
            "item-version": "1",
        },
    )

    item.refresh_from_db()
    assert "map with confidence" in form_page
    assert "still proposed" not in form_page
    assert "Select a valid choice" in refused.content.decode()
    assert accepted.status_code == 302
    assert (item.title, list(item.aligned_outcomes.all())) == ("Mapping!", [ours])
    detail = client.get(world.session.get_absolute_url()).content.decode()
    link = f'<a href="/c/{world.community.slug}/outcomes/{ours.pk}/">'
    assert f'Serves: <span class="outcome">{link}We want to be able to map with confidence' in (
        detail
    )


def test_agenda_edit_page_without_js_shows_the_whole_planner(client, world):
    item = AgendaItemFactory(session=world.session, title="Mapping")
    client.force_login(world.facilitator)

    page = client.get(agenda_url("agenda_edit", world.session, item_pk=item.pk)).content.decode()

    assert "<h1>Plan: Causal loops" in page
    assert 'value="Mapping"' in page
    assert "Save item" in page


def test_agenda_on_a_completed_session_is_closed(client, world):
    world.session.status = Session.Status.COMPLETED
    world.session.save()
    client.force_login(world.facilitator)

    response = client.post(
        agenda_url("agenda_add", world.session), {"new-title": "Late", "new-minutes": "5"}
    )

    assert response.status_code == 404


def test_agenda_edit_with_a_stale_version_keeps_mine_and_shows_theirs(client, world):
    item = AgendaItemFactory(session=world.session, title="Mapping", minutes=20)
    AgendaItem.objects.filter(pk=item.pk).update(title="Their mapping", minutes=45, version=2)
    client.force_login(world.facilitator)
    path = agenda_url("agenda_edit", world.session, item_pk=item.pk)
    mine = {"item-title": "My mapping", "item-minutes": "30", "item-version": "1"}

    clash = client.post(path, mine, headers={"HX-Request": "true"})
    again = client.post(path, {**mine, "item-version": "2"}, headers={"HX-Request": "true"})

    page = clash.content.decode()
    assert "Someone changed this item meanwhile: it is now “Their mapping”, 45 min." in page
    assert 'value="My mapping"' in page
    assert 'name="item-version" value="2"' in page
    assert "Someone changed" not in again.content.decode()
    item.refresh_from_db()
    assert (item.title, item.minutes, item.version) == ("My mapping", 30, 3)


def test_agenda_add_aligns_the_new_item_to_outcomes(client, world):
    outcome = OutcomeFactory(community=world.community)
    client.force_login(world.facilitator)

    client.post(
        agenda_url("agenda_add", world.session),
        {"new-title": "Mapping", "new-minutes": "30", "new-aligned_outcomes": [outcome.pk]},
    )

    assert list(world.session.agenda_items.get().aligned_outcomes.all()) == [outcome]


def test_agenda_of_gives_each_item_the_outcomes_it_serves_in_order(world):
    """The session page's and the planner's agenda (`sessions.selectors.agenda_of`): the
    session's items in the planner's order, each with exactly its own aligned outcomes,
    by statement; another session's items and alignments are not read."""
    from sessions.selectors import agenda_of

    maps, loops, voice = (
        OutcomeFactory(community=world.community, statement=statement)
        for statement in ("Map with confidence", "Find the loops", "Every voice heard")
    )
    second = AgendaItemFactory(session=world.session, title="Second", position=2)
    first = AgendaItemFactory(session=world.session, title="First", position=1)
    bare = AgendaItemFactory(session=world.session, title="Third", position=3)
    first.aligned_outcomes.add(maps, loops, voice)
    second.aligned_outcomes.add(loops)
    elsewhere = AgendaItemFactory(session=world.other_session, title="Elsewhere")
    elsewhere.aligned_outcomes.add(maps)

    agenda = agenda_of(world.session)

    assert [(item, item.serves) for item in agenda] == [
        (first, [voice, loops, maps]),
        (second, [loops]),
        (bare, []),
    ]
    assert agenda_of(world.other_session)[0].serves == [maps]
    assert agenda_of(SessionFactory(community=world.community)) == []
