"""Pickers that scale (issue 14, item 7): people are found by name, never listed all at once.

communities.pickers is the one piece: the selector (`members_matching`), the search endpoint
`/c/<slug>/members/search/` (htmx), and the picker fields whose "Find" works without
JavaScript. It serves five places, each tested here through the Django test client without
JavaScript: co-facilitators, walk-in attendance, an action's owner, the manual journey move
and the reflections' author filter. People come from the cast (tests/people.py).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import JourneyStep
from communities.pickers import SEARCH_LIMIT, members_matching
from reflections.models import Action
from sessions.models import Session
from tests.factories import (
    MembershipFactory,
    ReflectionFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SEARCH = "/c/riverside/members/search/"


def names(memberships) -> list[str]:
    return [m.user.name for m in memberships]


# --- the selector ------------------------------------------------------------------------


def test_matching_finds_by_display_name_and_email_local_part_only(riverside, alice, bob):
    MembershipFactory(
        community=riverside, user=UserFactory(display_name="Sam Rivers", email="s.r@alpha.org")
    )

    assert names(members_matching(riverside, "ALI")) == ["Alice"]
    assert names(members_matching(riverside, "s.r")) == ["Sam Rivers"]
    # The domain is never searched: "example" would otherwise find everyone at example.org.
    assert names(members_matching(riverside, "example")) == []
    assert names(members_matching(riverside, "alpha")) == []


def test_matching_never_offers_another_communitys_or_a_former_member(riverside, alice, dave):
    MembershipFactory(community=riverside, status="left", user__display_name="Alina Gone")

    assert names(members_matching(riverside, "a")) == ["Alice"]
    assert names(members_matching(riverside, "dave")) == []


def test_matching_is_empty_for_an_empty_or_blank_search(riverside, alice):
    assert members_matching(riverside, "") == []
    assert members_matching(riverside, "   \x00 ") == []


def test_matching_offers_at_most_the_limit(riverside):
    for n in range(SEARCH_LIMIT + 5):
        MembershipFactory(community=riverside, user__display_name=f"Rower {n:02d}")

    found = members_matching(riverside, "rower")

    assert names(found) == [f"Rower {n:02d}" for n in range(SEARCH_LIMIT)]


# --- the search endpoint -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "purpose", "status"),
    [
        ("bob", "cofacilitator", 200),
        ("bob", "attendance", 200),
        ("bob", "move", 200),
        ("bob", "owner", 200),
        ("alice", "owner", 200),
        ("alice", "author", 200),
        ("alice", "cofacilitator", 404),
        ("alice", "attendance", 404),
        ("alice", "move", 404),
        ("dave", "author", 404),
        ("erin", "author", 404),
        ("frank", "owner", 404),
        ("bob", "everyone", 404),
    ],
)
def test_search_is_for_those_who_may_choose_people_for_that_purpose(
    client_as, alice, bob, person, purpose, status
):
    response = client_as(person).get(SEARCH, {"for": purpose, "name": "who", "q": "ali"}, **HTMX)

    assert response.status_code == status
    if status == 200:
        assert f'name="who" value="{alice.pk}"' in response.content.decode()


def test_search_by_someone_signed_out_goes_to_log_in(client_as):
    response = client_as("anonymous").get(SEARCH, {"for": "author", "name": "who", "q": "a"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_search_offers_matches_keeps_the_chosen_and_says_how_many(client_as, alice, bob, carol):
    params = {"for": "cofacilitator", "name": "facilitators", "facilitators_q": "a"}

    response = client_as("bob").get(SEARCH, {**params, "facilitators": [carol.pk]}, **HTMX)
    page = response.content.decode()

    assert response.status_code == 200
    assert f'value="{carol.pk}" id="id_facilitators_{carol.pk}" checked>' in page
    assert f'value="{alice.pk}" id="id_facilitators_{alice.pk}">' in page
    assert 'type="checkbox"' in page and "Bob" not in page
    said = json.loads(response["HX-Trigger-After-Settle"])["announce"]["text"]
    assert said == "1 person matches “a”."


def test_search_leaves_out_people_listed_elsewhere_on_the_page(client_as, alice, bob, carol):
    response = client_as("bob").get(
        SEARCH, {"for": "attendance", "name": "attendees", "q": "a", "except": [alice.pk]}, **HTMX
    )

    page = response.content.decode()
    assert "Carol" in page and "Alice" not in page


@pytest.mark.parametrize(
    "query",
    [{}, {"q": ""}, {"q": "x" * 1000}, {"q": "%"}, {"q": "_"}, {"q": "\\"}, {"q": " "}],
)
def test_search_with_odd_text_is_never_a_server_error(client_as, alice, query):
    response = client_as("alice").get(SEARCH, {"for": "author", "name": "author", **query}, **HTMX)

    assert response.status_code == 200
    assert "Alice" not in response.content.decode()


@pytest.mark.parametrize("query", [{"q": "a\x00b"}, {"author": "1\x00"}, {"name": "a\x00"}])
def test_search_with_a_nul_character_is_a_404_like_any_query(client_as, alice, query):
    params = {"for": "author", "name": "author", **query}

    response = client_as("alice").get(SEARCH, params, **HTMX)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "chosen", [["abc"], ["²"], ["99999999999999999999999"], [""], ["-1"], ["1.0"]]
)
def test_search_with_tampered_chosen_ids_ignores_them(client_as, alice, chosen):
    response = client_as("alice").get(
        SEARCH, {"for": "author", "name": "author", "author": chosen}, **HTMX
    )

    assert response.status_code == 200
    assert "checked" in response.content.decode()  # only "Anyone" is chosen


def test_search_never_shows_a_chosen_person_from_another_community(client_as, alice, dave):
    response = client_as("alice").get(
        SEARCH, {"for": "author", "name": "author", "author": [dave.pk], "q": "dave"}, **HTMX
    )

    assert response.status_code == 200
    assert "Dave" not in response.content.decode()


@pytest.mark.parametrize("name", ["", "1abc", "a b", "<script>", "x" * 80, "a'b"])
def test_search_with_a_bad_field_name_is_a_404(client_as, alice, name):
    response = client_as("alice").get(SEARCH, {"for": "author", "name": name, "q": "a"}, **HTMX)

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 25])
def test_search_query_count_is_the_same_at_one_and_many_members(
    client_as, bob, riverside, rows, django_assert_num_queries
):
    people = [
        MembershipFactory(community=riverside, user__display_name=f"Rower {n:02d}").user
        for n in range(rows)
    ]
    client = client_as("bob")
    params = {"for": "attendance", "name": "attendees", "q": "rower", "attendees": [people[0].pk]}

    # Session, user, community, the viewer's membership, the chosen people, the matches.
    with django_assert_num_queries(6):
        response = client.get(SEARCH, params, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{people[0].pk}" id="id_attendees_{people[0].pk}" checked>' in page
    assert page.count('type="checkbox"') == 1 + min(rows - 1, SEARCH_LIMIT)


# --- the five places, without JavaScript -------------------------------------------------


def _session_data(**extra) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    return {
        "title": "Mapping clinic",
        "description": "",
        "starts_local": starts,
        "duration_minutes": "60",
        "location": "Library",
        "online_url": "",
        **extra,
    }


def test_co_facilitators_are_found_chosen_and_kept_without_js(client_as, alice, bob, carol):
    client = client_as("bob")
    url = "/c/riverside/sessions/new/"

    start = client.get(url).content.decode()
    found = client.post(
        url, _session_data(facilitators_q="ali", facilitators=[carol.pk], find="facilitators")
    )
    saved = client.post(url, _session_data(facilitators=[carol.pk, alice.pk]))

    # Nobody is listed until searched for: never a checkbox per member.
    assert 'name="facilitators" value=' not in start
    page = found.content.decode()
    assert found.status_code == 200
    assert 'value="Mapping clinic"' in page  # everything typed is kept
    assert f'value="{carol.pk}" id="id_facilitators_{carol.pk}" checked>' in page
    assert f'value="{alice.pk}" id="id_facilitators_{alice.pk}">' in page
    assert 'role="alert"' not in page  # a Find is not judged
    assert saved.status_code == 302
    session = Session.objects.get()
    assert set(session.facilitators.values_list("display_name", flat=True)) == {
        "Alice",
        "Bob",
        "Carol",
    }
    edit = client.get(f"/c/riverside/sessions/{session.pk}/edit/").content.decode()
    assert f'value="{alice.pk}" id="id_facilitators_{alice.pk}" checked>' in edit


def test_co_facilitator_from_another_community_is_a_field_error(client_as, bob, dave):
    response = client_as("bob").post(
        "/c/riverside/sessions/new/", _session_data(facilitators=[dave.pk, "junk"])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["facilitators"] == [
        "Choose people who are active members of this community."
    ]
    assert not Session.objects.exists()


def test_co_facilitator_id_with_a_nul_character_is_a_field_error(client_as, bob):
    response = client_as("bob").post(
        "/c/riverside/sessions/new/", _session_data(facilitators=["1\x00"])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["facilitators"]
    assert not Session.objects.exists()


def _held(riverside, bob):
    session = SessionFactory(community=riverside, starts_at=timezone.now() - timedelta(hours=1))
    session.facilitators.add(bob)
    return session


def test_attendance_starts_from_rsvps_and_finds_walk_ins_without_js(
    client_as, riverside, alice, bob, carol
):
    session = _held(riverside, bob)
    RSVPFactory(session=session, user=alice, response="maybe")
    RSVPFactory(session=session, user=bob, response="going")
    sam = MembershipFactory(community=riverside, user__display_name="Sam Rivers").user
    RSVPFactory(session=session, user=sam, response="not_going")
    url = f"/c/riverside/sessions/{session.pk}/attendance/"
    client = client_as("bob")

    start = client.get(url).content.decode()
    found = client.post(url, {"attendees": [bob.pk], "attendees_q": "s", "find": "attendees"})
    saved = client.post(url, {"attendees": [bob.pk, sam.pk], "complete": "on"})

    said = start.split("Walk-ins")[0]
    assert said.index("Bob") < said.index("Alice")  # going first, then maybe
    assert "Sam Rivers" not in start and "Carol" not in start
    page = found.content.decode()
    assert f'id="att-{bob.pk}" checked' in page and f'id="att-{alice.pk}">' in page
    # The search finds walk-ins only: Alice (who said maybe) is listed above, not again.
    walk_ins = page.split("Walk-ins")[1]
    assert "Sam Rivers" in walk_ins and "Alice" not in walk_ins
    assert 'id="id_complete">' in page  # the unticked "held" stays as sent
    assert saved.status_code == 302
    assert dict(session.attendances.values_list("user__display_name", "walk_in")) == {
        "Bob": False,
        "Sam Rivers": True,
    }


def test_attendance_keeps_a_chosen_walk_in_when_searching_again(client_as, riverside, bob, carol):
    session = _held(riverside, bob)
    url = f"/c/riverside/sessions/{session.pk}/attendance/"

    page = client_as("bob").post(
        url, {"attendees": [carol.pk], "attendees_q": "zed", "find": "attendees"}
    )

    assert f'value="{carol.pk}" id="id_attendees_{carol.pk}" checked>' in page.content.decode()
    assert "Nobody here matches “zed”" in page.content.decode()


def test_action_owner_is_found_and_tampering_is_a_field_error(client_as, riverside, alice, dave):
    client = client_as("alice")
    url = "/c/riverside/actions/new/"
    data = {"title": "Try the loop map", "loop_level": ""}

    start = client.get(url).content.decode()
    found = client.post(url, {**data, "owner": alice.pk, "owner_q": "", "find": "owner"})
    tampered = client.post(url, {**data, "owner": dave.pk})
    junk = client.post(url, {**data, "owner": "99999999999999999999"})
    saved = client.post(url, {**data, "owner": alice.pk})

    assert f'value="{alice.pk}" id="id_owner_{alice.pk}" checked>' in start  # I carry it
    assert found.status_code == 200 and 'value="Try the loop map"' in found.content.decode()
    for refused in (tampered, junk):
        assert refused.status_code == 200
        assert refused.context["form"].errors["owner"] == [
            "Choose someone who is an active member of this community."
        ]
    assert saved.status_code == 302
    assert list(Action.objects.values_list("title", "owner__display_name")) == [
        ("Try the loop map", "Alice")
    ]


def test_manual_move_finds_the_person_and_records_their_move(client_as, riverside, bob):
    sam = MembershipFactory(community=riverside, user__display_name="Sam Rivers")
    client = client_as("bob")
    url = "/c/riverside/journeys/move/"
    data = {"to_level": "core", "note": "Runs our mapping clinic."}

    found = client.post(url, {**data, "person_q": "sam", "find": "person"}).content.decode()
    found_steps = JourneyStep.objects.count()
    moved = client.post(url, {**data, "person": sam.user_id})

    assert f'value="{sam.user_id}" id="id_person_{sam.user_id}">' in found
    assert "(peripheral)" in found  # facilitators see levels while choosing
    assert "Runs our mapping clinic." in found
    assert found_steps == 0  # a Find is never a move
    assert moved.status_code == 302
    sam.refresh_from_db()
    assert sam.level == "core"


def test_author_filter_finds_an_author_and_keeps_the_other_filters(
    client_as, riverside, alice, bob
):
    ReflectionFactory(community=riverside, author=alice, title="Alice noticed")
    ReflectionFactory(community=riverside, author=bob, title="Bob noticed")
    client = client_as("alice")
    url = "/c/riverside/reflections/"

    start = client.get(url).content.decode()
    found = client.get(url, {"q": "noticed", "author_q": "bo", "find": "author"})
    chosen = client.get(url, {"author": bob.pk}).content.decode()
    tampered = client.get(url, {"author": "abc"})

    assert f'name="author" value="{alice.pk}"' not in start
    page = found.content.decode()
    assert f'value="{bob.pk}" id="id_author_{bob.pk}">' in page
    assert 'value="noticed"' in page
    assert "Bob noticed" in chosen and "Alice noticed" not in chosen
    assert f'value="{bob.pk}" id="id_author_{bob.pk}" checked>' in chosen
    # A tampered author is ignored like any invalid filter: every reflection shows.
    assert tampered.status_code == 200
    assert "Alice noticed" in tampered.content.decode()


def test_the_picker_pages_never_list_every_member(client_as, riverside, bob):
    for n in range(40):
        MembershipFactory(community=riverside, user__display_name=f"Rower {n:02d}")
    session = _held(riverside, bob)
    client = client_as("bob")

    pages = [
        "/c/riverside/sessions/new/",
        f"/c/riverside/sessions/{session.pk}/attendance/",
        "/c/riverside/actions/new/",
        "/c/riverside/journeys/",
        "/c/riverside/reflections/",
    ]

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Rower" not in response.content.decode(), path
