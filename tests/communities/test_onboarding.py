"""The first hour (issue 14 item 3): a newcomer's home, the first-steps card and its
registry, the coordinator's setup checklist, a leader's home, withdrawing a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communities import checklists
from communities.models import Membership
from core import plugins
from reflections.models import ReflectionRead
from tests.factories import (
    CommunityFactory,
    InvitationFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    RSVPFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def card_of(user, community):
    cards = [c for c in checklists.first_steps_cards(user) if c.membership.community == community]
    return cards[0] if cards else None


def done_keys(states):
    return {state.step.key for state in states if state.done}


# --- The registry -----------------------------------------------------------------------


def test_every_app_registers_its_steps_in_order():
    assert [s.key for s in plugins.checklist_steps("first_steps")] == [
        "hello",
        "rsvp",
        "read",
        "write",
    ]
    assert [s.key for s in plugins.checklist_steps("setup")] == [
        "domain",
        "purpose",
        "outcome",
        "session",
        "invitations",
    ]


def test_a_registered_step_replaces_one_of_the_same_key_and_joins_the_card(cast):
    saved = dict(plugins._checklists["first_steps"])
    try:
        plugins.register_first_step(
            "wave", "Wave", 5, done=lambda ms: {m.pk for m in ms}, url_name="communities:home"
        )
        plugins.register_first_step(
            "wave", "Wave again", 5, done=lambda ms: set(), url_name="communities:home"
        )
        card = card_of(cast.alice, cast.riverside)
    finally:
        plugins._checklists["first_steps"].clear()
        plugins._checklists["first_steps"].update(saved)

    assert card.steps[0].step.label == "Wave again"
    assert card.steps[0].url == "/c/riverside/"
    assert not card.steps[0].done


def test_each_first_step_ticks_itself_off_from_what_the_person_did(cast):
    assert done_keys(card_of(cast.alice, cast.riverside).steps) == set()
    others = [ReflectionFactory(community=cast.riverside, author=cast.bob) for _ in range(2)]
    elsewhere = ReflectionFactory(community=cast.hillside, author=cast.dave)

    Membership.objects.filter(user=cast.alice).update(introduction="Hello, I row.")
    RSVPFactory(session=SessionFactory(community=cast.riverside), user=cast.alice)
    ReflectionRead.objects.create(user=cast.alice, reflection=others[0])
    ReflectionRead.objects.create(user=cast.alice, reflection=elsewhere)
    assert done_keys(card_of(cast.alice, cast.riverside).steps) == {"hello", "rsvp"}

    ReflectionRead.objects.create(user=cast.alice, reflection=others[1])
    assert done_keys(card_of(cast.alice, cast.riverside).steps) == {"hello", "rsvp", "read"}

    ReflectionFactory(community=cast.riverside, author=cast.alice)
    assert card_of(cast.alice, cast.riverside) is None  # every step done: the card goes


def test_another_persons_steps_tick_nothing_of_mine(cast):
    RSVPFactory(session=SessionFactory(community=cast.riverside), user=cast.bob)
    ReflectionFactory(community=cast.riverside, author=cast.bob)
    # Alice's own steps in another community do not count here either.
    MembershipFactory(community=cast.hillside, user=cast.alice)
    ReflectionFactory(community=cast.hillside, author=cast.alice)

    assert done_keys(card_of(cast.alice, cast.riverside).steps) == set()
    assert done_keys(card_of(cast.alice, cast.hillside).steps) == {"write"}


def test_first_steps_are_offered_only_in_the_first_weeks_and_until_dismissed(cast):
    Membership.objects.filter(user=cast.alice).update(
        joined_at=timezone.now() - timedelta(days=checklists.FIRST_STEPS_DAYS + 1)
    )
    Membership.objects.filter(user=cast.bob).update(first_steps_dismissed_at=timezone.now())

    assert checklists.first_steps_cards(cast.alice) == []
    assert checklists.first_steps_cards(cast.bob) == []
    assert card_of(cast.dave, cast.hillside) is not None
    assert checklists.first_steps_cards(cast.carol) == []  # the setup checklist instead


# --- The home page ----------------------------------------------------------------------


def test_a_new_persons_home_says_what_copsite_is_for_and_teases_communities(cast):
    body = cast.client("frank").get("/").content.decode()

    assert "What copsite is for" in body
    assert "Communities you could join" in body
    assert '<a href="/c/riverside/">Riverside</a>' in body
    assert "First steps" not in body


def test_a_members_home_shows_the_first_steps_card_with_links_to_each_step(cast):
    body = cast.client("alice").get("/").content.decode()

    assert "First steps in Riverside" in body
    assert "0 of 4 done" in body
    assert '<a href="/c/riverside/me/#about">Say hello</a>' in body
    assert '<a href="/c/riverside/sessions/">RSVP to the next session</a>' in body
    assert '<a href="/c/riverside/reflections/new/">Write a first reflection</a>' in body
    assert "What copsite is for" not in body


def test_saying_hello_on_my_journey_page_ticks_the_step_and_shows_on_the_members_page(cast):
    client = cast.client("alice")

    client.post(
        "/c/riverside/me/", {"introduction": "Rower and nurse, new here.", "aspiration": ""}
    )
    home = client.get("/").content.decode()
    members = cast.client("bob").get("/c/riverside/members/").content.decode()

    assert "1 of 4 done" in home
    assert 'Say hello</span> <span class="visually-hidden">(done)' in home
    assert '<span class="introduction">Rower and nurse, new here.</span>' in members


def test_opening_someone_elses_reflection_records_one_read_and_my_own_none(cast):
    theirs = ReflectionFactory(community=cast.riverside, author=cast.bob)
    mine = ReflectionFactory(community=cast.riverside, author=cast.alice)
    client = cast.client("alice")

    for _ in range(2):
        assert client.get(f"/c/riverside/reflections/{theirs.pk}/").status_code == 200
    assert client.get(f"/c/riverside/reflections/{mine.pk}/").status_code == 200

    assert list(ReflectionRead.objects.values_list("user", "reflection")) == [
        (cast.alice.pk, theirs.pk)
    ]


def test_dismissing_the_card_puts_it_away_once_and_only_mine(cast):
    mine = cast.alice.memberships.get()
    client = cast.client("alice")

    first = client.post(f"/settings/communities/{mine.pk}/first-steps/dismiss/")
    mine.refresh_from_db()
    when = mine.first_steps_dismissed_at
    client.post(f"/settings/communities/{mine.pk}/first-steps/dismiss/")
    theirs = cast.bob.memberships.get()
    refused = client.post(f"/settings/communities/{theirs.pk}/first-steps/dismiss/")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert first.status_code == 302
    assert when is not None and mine.first_steps_dismissed_at == when
    assert refused.status_code == 404
    assert theirs.first_steps_dismissed_at is None
    assert "First steps in Riverside" not in client.get("/").content.decode()


def test_a_leaders_home_points_to_the_dashboards_and_stories(cast):
    body = cast.client("erin").get("/").content.decode()

    assert '<a class="button" href="/dashboard/">Open the dashboards</a>' in body
    assert '<a href="/stories/">Read the impact stories</a>' in body
    assert "as a leader you see the communities" in body.lower()
    assert "Find one to join" not in body
    assert "Open the dashboards" not in cast.client("frank").get("/").content.decode()


# --- Requests to join -------------------------------------------------------------------


@pytest.fixture
def guild(db):
    return CommunityFactory(name="Guild", slug="guild", visibility="request")


def test_my_request_shows_on_my_home_and_can_be_withdrawn_after_a_confirmation(cast, guild):
    asked = MembershipFactory(community=guild, user=cast.frank, status="requested")
    client = cast.client("frank")
    url = f"/settings/requests/{asked.pk}/withdraw/"

    home = client.get("/").content.decode()
    confirm = client.get(url)
    withdrawn = client.post(url, follow=True)
    again = client.post(url)

    asked.refresh_from_db()
    assert "You asked to join Guild" in home
    assert f'href="{url}"' in home
    assert "Withdraw your request to join Guild?" in confirm.content.decode()
    assert asked.status == "left"
    assert "Your request to join Guild is withdrawn. You can ask again." in (
        withdrawn.content.decode()
    )
    assert "You asked to join Guild" not in withdrawn.content.decode()
    assert again.status_code == 404  # a double submit changes nothing more


def test_someone_elses_request_is_a_404_to_withdraw(cast, guild):
    theirs = MembershipFactory(community=guild, user=cast.dave, status="requested")
    url = f"/settings/requests/{theirs.pk}/withdraw/"

    assert cast.client("frank").get(url).status_code == 404
    assert cast.client("frank").post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "requested"


def test_a_withdrawn_request_may_be_made_again(cast, guild):
    asked = MembershipFactory(community=guild, user=cast.frank, status="requested")
    client = cast.client("frank")
    client.post(f"/settings/requests/{asked.pk}/withdraw/")

    client.post("/c/guild/join/", {"note": "Trying again"})

    asked.refresh_from_db()
    assert (asked.status, asked.request_note) == ("requested", "Trying again")


# --- The coordinator's setup checklist ----------------------------------------------------


def test_a_new_communitys_coordinator_sees_the_setup_checklist_tick_itself_off(cast):
    client = cast.client("frank")
    client.post(
        "/communities/new/",
        {
            "name": "Makers",
            "domain": "Making things together",
            "purpose": "",
            "visibility": "open",
            "timezone": "Europe/London",
        },
    )
    community = Membership.objects.get(user=cast.frank).community

    first = client.get(f"/c/{community.slug}/").content.decode()
    community.purpose = "Learn by making"
    community.save()
    OutcomeFactory(community=community)
    SessionFactory(community=community)
    second = client.get(f"/c/{community.slug}/").content.decode()
    InvitationFactory(community=community)
    last = client.get(f"/c/{community.slug}/").content.decode()

    assert "Setting up Makers" in first
    assert "1 of 5 done" in first
    assert f'<a href="/c/{community.slug}/outcomes/">Propose a first outcome</a>' in first
    assert f'<a href="/c/{community.slug}/sessions/new/">Plan a first session</a>' in first
    assert "4 of 5 done" in second
    assert f'<a href="/c/{community.slug}/invitations/">Invite people</a>' in second
    assert "Setting up Makers" not in last  # all done: the checklist goes


def test_only_coordinators_see_the_setup_checklist(cast):
    body = {
        name: cast.client(name).get("/c/riverside/").content.decode()
        for name in ("alice", "bob", "carol")
    }

    assert "Setting up Riverside" in body["carol"]
    assert "Setting up Riverside" not in body["alice"]
    assert "Setting up Riverside" not in body["bob"]


def test_a_member_who_joined_counts_as_invitations_done(cast):
    membership = cast.carol.memberships.get()
    membership.community = cast.riverside
    (state,) = [
        s
        for s in checklists._states("setup", [membership])[membership.pk]
        if s.step.key == "invitations"
    ]

    assert state.done  # alice and bob are there


def test_a_request_to_join_still_waiting_does_not_count_as_invitations_done(cast):
    """Audit finding: the step ticked as soon as a stranger asked to join."""
    community = CommunityFactory(name="Fresh start")
    coordinator = MembershipFactory(
        community=community, user=cast.carol, role=Membership.Role.COORDINATOR
    )
    MembershipFactory(community=community, user=cast.dave, status=Membership.Status.REQUESTED)

    def invitations_done():
        (state,) = [
            s
            for s in checklists._states("setup", [coordinator])[coordinator.pk]
            if s.step.key == "invitations"
        ]
        return state.done

    assert not invitations_done()
    Membership.objects.filter(user=cast.dave).update(status=Membership.Status.ACTIVE)
    assert invitations_done()


@pytest.mark.parametrize("rows", [1, 8])
def test_the_setup_checklist_costs_the_same_at_one_and_many_members_and_invitations(
    cast, rows, django_assert_num_queries
):
    for _ in range(rows):
        MembershipFactory(community=cast.riverside)
        InvitationFactory(community=cast.riverside)
    client = cast.client("carol")

    with django_assert_num_queries(SETUP_HOME_QUERIES):
        response = client.get("/c/riverside/")

    assert response.status_code == 200
    assert "Setting up Riverside" in response.content.decode()


# The community home for a coordinator, with the setup checklist's three queries
# (outcomes, sessions, invitations-or-members), and the sessions panel's look for a
# waiting draft (nothing is scheduled in a new community), the milestones beside the
# celebrations, and the quiet voices panel's look at attendance (nobody has attended yet,
# so its other queries are not needed).
SETUP_HOME_QUERIES = 14


def test_going_to_a_whole_series_ticks_the_rsvp_step_in_that_community_only(cast):
    from sessions.services import series_create, series_rsvp_set

    first = SessionFactory(community=cast.riverside, title="Fortnightly")
    series = series_create(session=first, user=cast.bob, frequency="weekly", until=None, count=3)
    other = series_create(
        session=SessionFactory(community=cast.hillside), user=cast.dave, frequency="weekly",
        until=None, count=3,
    )  # fmt: skip
    MembershipFactory(community=cast.hillside, user=cast.alice)
    series_rsvp_set(series=other, user=cast.alice, response="going")
    assert "rsvp" not in done_keys(card_of(cast.alice, cast.riverside).steps)

    series_rsvp_set(series=series, user=cast.alice, response="maybe")
    assert "rsvp" in done_keys(card_of(cast.alice, cast.riverside).steps)
