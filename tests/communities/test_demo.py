from __future__ import annotations

import pytest

from communities import demo
from communities.models import CheckIn, Community, Invitation, Membership, MoveSuggestion
from core.looks import validate_emoji

# Every test reads the demo, seeded once for the module (tests/conftest.py `demo_site`).
pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_journey_pages_something_to_show(demo_site):

    main = Community.objects.get(slug=demo.MAIN_SLUG)
    levels = set(main.memberships.active().values_list("level", flat=True))
    request = Membership.objects.get(
        community__slug=demo.REQUEST_SLUG, user__email="newcomer@example.com"
    )
    invitation = Invitation.objects.get(community__slug=demo.INVITE_SLUG)
    open_ = MoveSuggestion.objects.filter(membership__community=main, status="open")

    assert main.memberships.active().count() >= 24
    assert levels == {"peripheral", "active", "core"}
    assert request.status == "requested"
    assert (invitation.email, invitation.state) == (demo.INVITED_EMAIL, "outstanding")
    assert open_.count() == len(demo.SUGGESTIONS)
    assert main.memberships.exclude(aspiration="").count() == len(demo.ASPIRATIONS)
    assert main.memberships.exclude(introduction="").count() == len(demo.INTRODUCTIONS)
    assert set(
        main.memberships.filter(show_aspiration=True).values_list("user__email", flat=True)
    ) == set(demo.SHOWN_ASPIRATIONS)
    used = Invitation.objects.get(community=main, accepted_by__email="newcomer@example.com")
    assert used.accepted_at is not None
    assert not Membership.objects.filter(
        community__slug=demo.INVITE_SLUG, user__email="newcomer@example.com"
    ).exists()


def test_seed_demo_shows_a_quiet_member_sent_a_hello_and_quiet_voices_to_its_facilitator(
    client, demo_site
):
    main = Community.objects.get(slug=demo.MAIN_SLUG)
    facilitator = Membership.objects.get(community=main, user__email="facilitator@example.com")
    member = Membership.objects.get(community=main, user__email="member@example.com")
    hello = CheckIn.objects.get(membership__community=main)

    client.force_login(facilitator.user)
    journeys = client.get(f"/c/{main.slug}/journeys/").content.decode()
    home = client.get(f"/c/{main.slug}/").content.decode()
    client.force_login(member.user)
    as_member = client.get(f"/c/{main.slug}/").content.decode()

    assert hello.sent_by == facilitator.user
    assert hello.spell_started_at == hello.membership.quiet_since
    assert "Worth a hello" in journeys and "Hello sent on" in journeys
    assert journeys.count("Send a hello<") >= 5
    assert "Quiet voices" in home
    assert "Quiet voices" not in as_member


def test_seed_demo_shows_a_half_done_first_steps_card_and_a_partly_done_setup_checklist(demo_site):
    from communities import checklists
    from communities.access import community_for

    newcomer = Membership.objects.get(
        community__slug=demo.MAIN_SLUG, user__email="newcomer@example.com"
    ).user
    coordinator = Membership.objects.get(
        community__slug=demo.NEW_SLUG, user__email="coordinator@example.com"
    ).user

    (card,) = checklists.first_steps_cards(newcomer)
    setup = checklists.setup_checklist(community_for(coordinator, demo.NEW_SLUG))

    assert {s.step.key for s in card.steps if s.done} == {"rsvp", "write"}
    assert {s.step.key for s in setup if s.done} == {"domain", "purpose"}
    assert checklists.setup_checklist(community_for(coordinator, demo.MAIN_SLUG)) is None


def test_every_demo_community_has_its_own_colour_and_one_emoji(demo_site):

    looks = list(Community.objects.values_list("colour", "emoji"))

    assert len(looks) == len([*demo.COMMUNITIES, demo.OTHER_COMMUNITY])
    assert len({colour for colour, _ in looks}) == len(looks)
    for _colour, emoji in looks:
        validate_emoji(emoji)
        assert emoji
