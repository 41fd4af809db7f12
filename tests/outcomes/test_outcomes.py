from __future__ import annotations

import pytest

from outcomes.models import Endorsement, Outcome, OutcomeRevision
from tests.factories import (
    AgendaItemFactory,
    CommunityFactory,
    OutcomeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(riverside, alice, bob, dave):
    """The cast (tests/people.py) by role: alice, bob, and dave from another community."""
    return {"community": riverside, "member": alice, "facilitator": bob, "other": dave}


def test_member_proposes_an_outcome(client, world):
    client.force_login(world["member"])

    response = client.post(
        "/c/riverside/outcomes/", {"statement": "map with confidence", "why": ""}
    )

    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.status, outcome.proposed_by) == ("proposed", world["member"])


def test_empty_proposal_is_a_field_error_and_keeps_the_why(client, world):
    client.force_login(world["member"])

    response = client.post("/c/riverside/outcomes/", {"statement": "", "why": "Because maps"})

    assert response.status_code == 200
    assert "statement" in response.context["form"].errors
    assert "Because maps" in response.content.decode()
    assert Outcome.objects.count() == 0


def test_endorse_toggles_and_never_duplicates(client, world):
    outcome = OutcomeFactory(community=world["community"], status="proposed")
    client.force_login(world["member"])
    url = f"/c/riverside/outcomes/{outcome.pk}/endorse/"

    client.post(url)
    after_one = Endorsement.objects.count()
    client.post(url)
    after_two = Endorsement.objects.count()
    response = client.post(url, headers={"HX-Request": "true"})

    assert (after_one, after_two, Endorsement.objects.count()) == (1, 0, 1)
    assert "1 endorsement" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_member_cannot_agree_an_outcome(client, world):
    outcome = OutcomeFactory(community=world["community"], status="proposed")
    client.force_login(world["member"])

    response = client.post(
        f"/c/riverside/outcomes/{outcome.pk}/agree/",
        {"statement": "x", "why": "", "prompts": "a\nb"},
    )

    assert response.status_code == 404
    outcome.refresh_from_db()
    assert outcome.status == "proposed"


def test_facilitator_agrees_with_prompts_and_edits_keep_history(client, world):
    outcome = OutcomeFactory(community=world["community"], status="proposed", statement="map")
    client.force_login(world["facilitator"])
    url = f"/c/riverside/outcomes/{outcome.pk}/agree/"

    client.post(url, {"statement": "map", "why": "", "prompts": "Clear boundaries?\nLoops?"})
    client.post(url, {"statement": "map systems", "why": "", "prompts": "A?\nB?\nC?"})

    outcome.refresh_from_db()
    assert (outcome.status, outcome.statement, outcome.review_prompts) == (
        "agreed",
        "map systems",
        ["A?", "B?", "C?"],
    )
    assert list(OutcomeRevision.objects.values_list("statement", flat=True)) == ["map"]


@pytest.mark.parametrize("prompts", ["only one", "1\n2\n3\n4\n5\n6", "\n\n"])
def test_agreeing_needs_two_to_five_prompts(client, world, prompts):
    outcome = OutcomeFactory(community=world["community"], status="proposed")
    client.force_login(world["facilitator"])

    response = client.post(
        f"/c/riverside/outcomes/{outcome.pk}/agree/",
        {"statement": "map", "why": "", "prompts": prompts},
    )

    assert response.status_code == 200
    assert "prompts" in response.context["form"].errors
    outcome.refresh_from_db()
    assert outcome.status == "proposed"


def test_another_communitys_outcome_is_404(client, world):
    theirs = OutcomeFactory(community=CommunityFactory(), status="proposed")
    client.force_login(world["facilitator"])

    assert client.post(f"/c/riverside/outcomes/{theirs.pk}/endorse/").status_code == 404
    assert client.get(f"/c/riverside/outcomes/{theirs.pk}/agree/").status_code == 404
    assert client.post(f"/c/riverside/outcomes/{theirs.pk}/retire/").status_code == 404


def test_non_member_sees_404_and_retired_outcome_is_not_endorsable(client, world):
    outcome = OutcomeFactory(community=world["community"], status="retired")
    client.force_login(world["other"])
    assert client.get("/c/riverside/outcomes/").status_code == 404
    client.force_login(world["member"])

    client.post(f"/c/riverside/outcomes/{outcome.pk}/endorse/")

    assert Endorsement.objects.count() == 0


@pytest.mark.parametrize("n", [1, 15])
def test_outcome_list_page_has_bounded_queries(client, world, django_assert_num_queries, n):
    for i in range(n):
        outcome = OutcomeFactory(community=world["community"], status=["proposed", "agreed"][i % 2])
        Endorsement.objects.create(outcome=outcome, user=world["member"])
        AgendaItemFactory(
            session=SessionFactory(community=world["community"])
        ).aligned_outcomes.add(outcome)
    client.force_login(world["member"])

    with django_assert_num_queries(5):
        response = client.get("/c/riverside/outcomes/")

    assert response.status_code == 200
    assert "map complex systems, take" in response.content.decode()
