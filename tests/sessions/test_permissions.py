"""Every view of the sessions app against every role (SPEC §7: permission matrix)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Session
from tests.factories import AgendaItemFactory, CommunityFactory

from .conftest import ROLES

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND = 200, 302, 404


def url(name, world, **kw):
    return reverse(f"sessions:{name}", kwargs={"slug": world.community.slug, **kw})


def status_for(client, world, role, method, path, data=None):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(path, data or {})
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


# The community is open: signed-in non-members may read published sessions (not RSVP).
READ_EXPECTED = {
    "anonymous": LOGIN,
    "outsider": OK,
    "leader": OK,
    "other_member": OK,
    "member": OK,
    "facilitator": OK,
    "coordinator": OK,
}
FACILITATOR_EXPECTED = {
    "anonymous": LOGIN,
    "outsider": NOT_FOUND,
    "leader": NOT_FOUND,
    "other_member": NOT_FOUND,
    "member": NOT_FOUND,
    "facilitator": OK,
    "coordinator": OK,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["list", "detail", "ics"])
def test_read_views_by_role(client, world, role, name):
    kw = {} if name == "list" else {"pk": world.session.pk}

    assert status_for(client, world, role, "get", url(name, world, **kw)) == READ_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["list", "detail", "ics"])
@pytest.mark.parametrize("visibility", ["invite", "request"])
def test_read_views_of_an_invite_or_request_community_are_hidden_from_non_members(
    client, world, role, name, visibility
):
    world.community.visibility = visibility
    world.community.save()
    kw = {} if name == "list" else {"pk": world.session.pk}
    expected = {**READ_EXPECTED, "outsider": 404, "leader": 404, "other_member": 404}

    assert status_for(client, world, role, "get", url(name, world, **kw)) == expected[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["new", "edit", "cancel", "attendance"])
def test_facilitator_pages_by_role(client, world, role, name):
    if name == "attendance":
        Session.objects.filter(pk=world.session.pk).update(
            starts_at=timezone.now() - timedelta(minutes=5)
        )
    kw = {} if name == "new" else {"pk": world.session.pk}

    assert (
        status_for(client, world, role, "get", url(name, world, **kw))
        == (FACILITATOR_EXPECTED[role])
    )


@pytest.mark.parametrize("role", ROLES)
def test_agenda_edit_page_by_role(client, world, role):
    item = AgendaItemFactory(session=world.session)
    path = url("agenda_edit", world, pk=world.session.pk, item_pk=item.pk)

    assert status_for(client, world, role, "get", path) == FACILITATOR_EXPECTED[role]


POST_EXPECTED = {**FACILITATOR_EXPECTED, "facilitator": 302, "coordinator": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,data",
    [
        ("agenda_add", {"new-title": "Mapping", "new-minutes": "30"}),
        ("publish", {}),
        ("cancel", {"reason": "Snow"}),
    ],
)
def test_facilitator_posts_by_role(client, world, role, name, data):
    world.session.status = Session.Status.DRAFT
    world.session.save()

    path = url(name, world, pk=world.session.pk)

    assert status_for(client, world, role, "post", path, data) == POST_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["agenda_remove", "agenda_move"])
def test_agenda_item_posts_by_role(client, world, role, name):
    item = AgendaItemFactory(session=world.session)
    path = url(name, world, pk=world.session.pk, item_pk=item.pk)

    assert (
        status_for(client, world, role, "post", path, {"direction": "up"}) == (POST_EXPECTED[role])
    )


@pytest.mark.parametrize("role", ROLES)
def test_bookend_post_by_role(client, world, role):
    path = url("agenda_bookend", world, pk=world.session.pk, kind="reflect")

    assert status_for(client, world, role, "post", path) == POST_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_attendance_post_by_role(client, world, role):
    Session.objects.filter(pk=world.session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    path = url("attendance", world, pk=world.session.pk)

    status = status_for(client, world, role, "post", path, {"attendees": [world.member.pk]})

    assert status == POST_EXPECTED[role]
    assert world.session.attendances.exists() == (role in {"facilitator", "coordinator"})


RSVP_EXPECTED = {
    "anonymous": LOGIN,
    "outsider": NOT_FOUND,
    "leader": NOT_FOUND,
    "other_member": NOT_FOUND,
    "member": 302,
    "facilitator": 302,
    "coordinator": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_rsvp_by_role(client, world, role):
    path = url("rsvp", world, pk=world.session.pk)

    status = status_for(client, world, role, "post", path, {"response": "going"})

    assert status == RSVP_EXPECTED[role]
    assert world.session.rsvps.count() == (
        1 if role in {"member", "facilitator", "coordinator"} else 0
    )


@pytest.mark.parametrize("role", ROLES)
def test_settings_page_by_role(client, world, role):
    expected = {**FACILITATOR_EXPECTED, "facilitator": NOT_FOUND}

    assert status_for(client, world, role, "get", url("settings", world)) == expected[role]


@pytest.mark.parametrize(
    "name",
    ["detail", "ics", "edit", "cancel", "attendance", "publish", "rsvp", "agenda_add"],
)
def test_another_communitys_session_id_is_not_found(client, world, name):
    client.force_login(world.coordinator)
    path = url(name, world, pk=world.other_session.pk)

    response = client.post(path) if name in {"publish", "rsvp", "agenda_add"} else client.get(path)

    assert response.status_code == 404


def test_another_sessions_agenda_item_is_not_found(client, world):
    client.force_login(world.facilitator)
    foreign = AgendaItemFactory(session=world.other_session)

    response = client.post(url("agenda_remove", world, pk=world.session.pk, item_pk=foreign.pk))

    assert response.status_code == 404
    assert foreign.__class__.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("role", ["outsider", "member", "other_member"])
def test_drafts_are_hidden_from_everyone_but_facilitators(client, world, role):
    world.session.status = Session.Status.DRAFT
    world.session.save()
    client.force_login(world.user(role))

    detail = client.get(url("detail", world, pk=world.session.pk))
    listing = client.get(url("list", world))

    assert detail.status_code == 404
    assert "Causal loops" not in listing.content.decode()


def test_drafts_are_shown_to_facilitators(client, world):
    world.session.status = Session.Status.DRAFT
    world.session.save()
    client.force_login(world.facilitator)

    assert client.get(url("detail", world, pk=world.session.pk)).status_code == 200
    assert "Causal loops" in client.get(url("list", world)).content.decode()


def test_unknown_community_is_not_found(client, world):
    client.force_login(world.member)
    CommunityFactory(slug="exists")

    assert client.get("/c/nope/sessions/").status_code == 404


def test_calendar_reset_needs_login(client):
    response = client.post(reverse("sessions:calendar_reset"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "0"])
def test_an_id_no_session_can_have_is_a_404(client, world, pk):
    """Ids past what the database holds (or zero) name no session: a 404, never a
    database error (session_for runs a compiled query, core.compiled)."""
    client.force_login(world.facilitator)
    path = f"/c/{world.community.slug}/sessions/{pk}/"

    assert client.get(path).status_code == NOT_FOUND


def test_session_for_takes_an_id_as_text_and_refuses_junk(world):
    from django.http import Http404

    from communities.access import community_for
    from sessions.access import session_for

    access = community_for(world.facilitator, world.community.slug)

    assert session_for(access, str(world.session.pk)).pk == world.session.pk
    for junk in ("x", "1e3", "-1", "", None):
        with pytest.raises(Http404):
            session_for(access, junk)
