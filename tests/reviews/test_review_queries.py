"""Every page's queries stay fixed however many rows it shows: 1 and many, one bound."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from outcomes import services as outcome_services
from reviews import services
from reviews.models import ReviewRound
from tests.factories import AttendanceFactory, MembershipFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def populate(cast, n):
    """n more attendees each sharing work, a named and an anonymous round (up to five
    reviewers a piece each), every review shared and replied to, n closed rounds, n
    ratings and n earlier wordings of the outcome."""
    people = []
    for index in range(n):
        person = MembershipFactory(
            community=cast.community, level=["peripheral", "active", "core"][index % 3]
        ).user
        AttendanceFactory(session=cast.session, user=person)
        people.append(person)
        outcome_services.confidence_rate(outcome=cast.outcome, user=person, rating=index % 5 + 1)
    for person in [cast.author, cast.reviewer, *people]:
        upload = SimpleUploadedFile("m.pdf", b"%PDF-1.4", content_type="application/pdf")
        services.work_share(session=cast.session, author=person, title="Map", upload=upload)
        outcome_services.confidence_rate(outcome=cast.outcome, user=cast.author, rating=3, note="n")
    rounds = [cast.open_round(per_work=5), cast.open_round(anonymous=True, per_work=5)]
    for round_ in rounds:
        for review in round_.reviews.all():
            services.review_save(
                review=review, answers=[{"works": "Yes", "deeper": ""}], stage="", submit=True
            )
            services.review_reply(review=review, body="Thanks")
    for _ in range(n):
        ReviewRound.objects.create(
            community=cast.community, session=cast.session, due_on="2026-01-01", status="closed"
        )
    for _ in range(n):
        OutcomeFactory(community=cast.community)
        outcome_services.outcome_agree(
            outcome=cast.outcome, by=cast.facilitator, statement="map", why="w", prompts=["A?"]
        )
        cast.outcome.statement = "changed"
        cast.outcome.save()
    return rounds


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("role", ["author", "facilitator"])
def test_outcome_page_queries_do_not_grow(client, cast, django_assert_num_queries, rows, role):
    populate(cast, rows)
    client.force_login(cast.user(role))

    # Facilitators also see everyone's ratings: one query more.
    with django_assert_num_queries({"author": 8, "facilitator": 9}[role]):
        response = client.get(f"/c/riverside/outcomes/{cast.outcome.pk}/")

    assert response.status_code == 200
    assert escape(cast.outcome.statement) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("role", ["author", "reviewer"])
def test_reviews_page_queries_do_not_grow(client, cast, django_assert_num_queries, rows, role):
    populate(cast, rows)
    client.force_login(cast.user(role))

    # 9: the rounds page by "older than this one" (core.paging.KeysetPage), so nothing is
    # counted for a pager any more (it was 10 with Django's Paginator).
    with django_assert_num_queries(9):
        response = client.get("/c/riverside/reviews/")

    assert response.status_code == 200
    assert len(response.context["my_work"]) >= 1
    assert escape(response.context["my_work"][0].title) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("role", ["facilitator", "reviewer"])
def test_round_page_queries_do_not_grow(client, cast, django_assert_num_queries, rows, role):
    rounds = populate(cast, rows)
    client.force_login(cast.user(role))

    # The facilitator's page also reads the allocation: one query more. (Issue 17: one
    # more each for how many pieces have all their reviews; one less since the session's
    # link is drawn from the round's community, not by reading the session's.)
    with django_assert_num_queries({"facilitator": 9, "reviewer": 8}[role]):
        response = client.get(f"/c/riverside/review-rounds/{rounds[0].pk}/")

    assert response.status_code == 200
    assert escape(cast.session.title) in response.content.decode()
    assert len(response.context["allocation"]) == {"reviewer": 0}.get(role, rows + 2)


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("role", ["author", "facilitator", "member"])
def test_work_page_queries_do_not_grow(client, cast, django_assert_num_queries, rows, role):
    populate(cast, rows)
    work = cast.author.shared_work.get()
    client.force_login(cast.user(role))

    # 9 for the page, 1 for the conversation about the work (the reflections app's panel).
    with django_assert_num_queries(10):
        response = client.get(f"/c/riverside/work/{work.pk}/")

    assert response.status_code == 200
    assert escape(work.title) in response.content.decode()

    # Author and facilitators read every review: two people are free at 1, ten at 12.
    assert len(response.context["reviews"]) == {"member": 0}.get(role, {1: 2, 12: 10}[rows])


@pytest.mark.parametrize("rows", [1, 12])
def test_home_panel_queries_do_not_grow(client, cast, django_assert_num_queries, rows):
    from django.test import RequestFactory

    from reviews.panels import home_panel

    for _ in range(rows):
        cast.share()
    cast.open_round()
    request = RequestFactory().get("/")
    request.user = cast.reviewer

    with django_assert_num_queries(1):
        panel = home_panel(request)
        titles = [review.work.title for review in panel.context["reviews"]]
        communities = [review.round.community.slug for review in panel.context["reviews"]]

    assert len(titles) == min(rows, 10)
    assert set(communities) == {"riverside"}
