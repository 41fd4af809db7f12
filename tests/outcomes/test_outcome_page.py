"""The outcome page: wording and its history, prompts, and confidence (private ratings,
the community's average only from five members up)."""

from __future__ import annotations

import pytest

from outcomes import services
from outcomes.models import ConfidenceRating
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


def page_url(outcome):
    return f"/c/riverside/outcomes/{outcome.pk}/"


def rate_url(outcome):
    return f"/c/riverside/outcomes/{outcome.pk}/confidence/"


def rate(outcome, user, rating, note=""):
    return services.confidence_rate(outcome=outcome, user=user, rating=rating, note=note)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("other", 404), ("member", 200), ("facilitator", 200)],
)
def test_outcome_page_is_for_members(client, cast, role, status):
    if cast.user(role):
        client.force_login(cast.user(role))

    response = client.get(page_url(cast.outcome))

    assert response.status_code == status


def test_another_communitys_outcome_is_404(client, cast):
    theirs = OutcomeFactory(community=cast.other_community)
    client.force_login(cast.member)

    assert client.get(page_url(theirs)).status_code == 404
    assert client.post(rate_url(theirs), {"rating": "3"}).status_code == 404


def test_outcome_page_shows_prompts_and_earlier_wording(client, cast):
    services.outcome_agree(
        outcome=cast.outcome, by=cast.facilitator, statement="map systems", why="", prompts=["A?"]
    )
    client.force_login(cast.member)

    page = client.get(page_url(cast.outcome)).content.decode()

    assert "We want to be able to map systems" in page
    assert "A?" in page
    assert "“map complex systems more confidently”" in page


def test_list_page_links_to_each_outcome(client, cast):
    proposed = OutcomeFactory(community=cast.community, status="proposed")
    client.force_login(cast.member)

    page = client.get("/c/riverside/outcomes/").content.decode()

    assert f'href="{page_url(cast.outcome)}"' in page
    assert f'href="{page_url(proposed)}"' in page


def test_member_rates_confidence_and_sees_their_trend(client, cast):
    client.force_login(cast.member)

    client.post(rate_url(cast.outcome), {"rating": "2", "note": ""})
    response = client.post(rate_url(cast.outcome), {"rating": "4", "note": "Better at loops"})

    assert response.status_code == 302
    assert list(
        ConfidenceRating.objects.order_by("created_at", "pk").values_list("rating", "note")
    ) == [(2, ""), (4, "Better at loops")]
    page = client.get(page_url(cast.outcome))
    assert [r.rating for r in page.context["my_ratings"]] == [2, 4]
    assert "Better at loops" in page.content.decode()


def test_htmx_rating_returns_the_confidence_box_only(client, cast):
    client.force_login(cast.member)

    response = client.post(rate_url(cast.outcome), {"rating": "3"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="confidence-box"' in body
    assert "<html" not in body
    assert "your rating is saved" in body


@pytest.mark.parametrize("data", [{}, {"rating": "0"}, {"rating": "6"}, {"rating": "three"}])
def test_bad_rating_is_a_field_error_keeping_the_note(client, cast, data):
    client.force_login(cast.member)

    response = client.post(rate_url(cast.outcome), {**data, "note": "Keep this"})

    assert response.status_code == 200
    assert "rating" in response.context["confidence_form"].errors
    assert "Keep this" in response.content.decode()
    assert ConfidenceRating.objects.count() == 0


def test_proposed_outcome_cannot_be_rated(client, cast):
    proposed = OutcomeFactory(community=cast.community, status="proposed")
    client.force_login(cast.member)

    response = client.post(rate_url(proposed), {"rating": "3"}, follow=True)

    assert "once the community has agreed" in response.content.decode()
    assert ConfidenceRating.objects.count() == 0


def test_aggregate_is_hidden_below_five_members(client, cast):
    raters = [cast.join() for _ in range(4)]
    for person in raters:
        rate(cast.outcome, person, 4)
    client.force_login(cast.member)

    response = client.get(page_url(cast.outcome))

    assert response.context["aggregate"] is None
    assert "Average confidence" not in response.content.decode()


def test_aggregate_uses_each_members_latest_rating_from_five_members(client, cast):
    raters = [cast.join() for _ in range(5)]
    for person in raters:
        rate(cast.outcome, person, 1)
        rate(cast.outcome, person, 4)
    client.force_login(cast.member)

    response = client.get(page_url(cast.outcome))

    assert response.context["aggregate"] == {"average": 4.0, "members": 5}
    assert "Average confidence 4.0 out of 5, from 5 members" in response.content.decode()


def test_only_facilitators_see_who_rated_and_their_notes(client, cast):
    rate(cast.outcome, cast.reviewer, 3, note="Still unsure about delays")

    client.force_login(cast.member)
    member_page = client.get(page_url(cast.outcome)).content.decode()
    client.force_login(cast.facilitator)
    facilitator_page = client.get(page_url(cast.outcome)).content.decode()

    assert "Rosa Reviewer" not in member_page
    assert "Still unsure about delays" not in member_page
    assert "Rosa Reviewer: 3" in facilitator_page
    assert "Still unsure about delays" in facilitator_page
