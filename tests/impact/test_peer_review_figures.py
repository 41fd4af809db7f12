"""Peer review in the dashboards: work shared and reviews given as contributions, and the
peer-review stages of outcome progress, on a small hand-built dataset with exact values."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from communities.models import Membership
from impact import figures, report
from impact.periods import Period
from tests.factories import (
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
)
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
UTC = dt.UTC
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
JAN_FEB = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 3, 15, 12), tick=False):
        yield


@pytest.fixture
def world(riverside):
    """The cast's Riverside with six members who share and review, and one who left (all
    built here, with the join dates the figures count)."""
    community = riverside
    people = [
        MembershipFactory(community=community, joined_at=at(2025, 12, 1)).user for _ in range(6)
    ]
    left = MembershipFactory(
        community=community, joined_at=at(2025, 12, 1), status=Membership.Status.LEFT
    ).user
    session = SessionFactory(community=community, starts_at=at(2026, 1, 28))
    round_ = review_round(session, [OutcomeFactory(community=community)])
    return {"community": community, "people": people, "left": left, "session": session,
            "round": round_}  # fmt: skip


def test_contributions_count_work_shared_and_reviews_given_in_the_period(world):
    m1, m2, m3, m4, m5, _ = world["people"]
    session, round_, cid = world["session"], world["round"], world["community"].pk
    feb, jan = at(2026, 2, 3), at(2026, 1, 29)
    w1, w2 = shared_work(session, m1, created_at=feb), shared_work(session, m1, created_at=feb)
    w3 = shared_work(session, m2, created_at=feb)
    shared_work(session, m5, created_at=jan)  # before the period
    shared_work(session, world["left"], created_at=feb)  # no longer a member
    shared_work(SessionFactory(starts_at=feb), m1, created_at=feb)  # another community
    peer_review(round_, w1, m3, "submitted", submitted_at=feb)
    peer_review(round_, w2, m3, "submitted", submitted_at=feb)
    peer_review(round_, w3, m4, "submitted", submitted_at=feb)
    peer_review(round_, w3, m5, "draft")
    peer_review(round_, w1, m5, "submitted", submitted_at=jan)
    peer_review(round_, w2, world["left"], "submitted", submitted_at=feb)
    ReflectionFactory(community=world["community"], author=m3, created_at=feb)
    # A fifth contributor in February: with four, the month would rest on fewer than 5
    # people and equity would be withheld (tested in test_privacy).
    ReflectionFactory(community=world["community"], author=m5, created_at=feb)

    contributions = figures.contributions_per_person_in([cid], [FEB])[0]
    equity = figures.participation_equity([cid], contributions)[cid]

    # Counted in SQL, kept as counts of people: m3 made three (two reviews given and a
    # reflection shared), m1 two (work shared), m2, m4 and m5 one each; five people
    # contributed in February, nobody attended.
    assert contributions.frequencies[cid] == {3: 1, 2: 1, 1: 3}
    assert contributions.contributors[cid] == {dt.date(2026, 2, 1): 5}
    assert contributions.attendance[cid] == (0, 0, 0)
    # One member did nothing; the member who left is not counted.
    assert equity.frequencies == {3: 1, 2: 1, 1: 3, 0: 1}
    assert (equity.people, equity.contributions) == (6, 8)


def test_review_stages_per_outcome_count_shared_reviews_and_hide_small_cells(world):
    people, session, round_ = world["people"], world["session"], world["round"]
    author, reviewers = people[0], people[1:]

    def reviews(stage, by, when=None, status="submitted"):
        when = when or at(2026, 2, 10)
        for reviewer in by:
            work = shared_work(session, author)
            peer_review(round_, work, reviewer, status, stage=stage, submitted_at=when)

    reviews("emerging", reviewers)  # five reviewers: shown
    reviews("confident", reviewers[:2])  # two reviewers: hidden
    reviews("developing", reviewers, when=at(2026, 1, 20))  # before the period
    reviews("extending", reviewers, status="draft")  # not shared
    reviews("", reviewers)  # no stage chosen: not counted
    other = review_round(SessionFactory(), [OutcomeFactory()])
    peer_review(other, shared_work(other.session, author), reviewers[0], "submitted",
                stage="confident", submitted_at=at(2026, 2, 10))  # fmt: skip

    table = figures.review_stages(world["community"], FEB)

    statement = round_.outcomes.get().statement
    # Confident (2 reviewers) is hidden, and with it the smallest other cell (a zero);
    # the total adds up only the cells shown, so nothing is left to work out from it.
    assert table == [
        {
            "outcome": statement,
            "stages": {"emerging": 5, "developing": None, "confident": None, "extending": 0},
            "total": 5,
        }
    ]


def test_review_stages_are_none_before_any_review_chose_a_stage(world):
    assert figures.review_stages(world["community"], FEB) is None


def test_review_stages_chart_has_a_table_and_a_text_alternative(world):
    people, session, round_ = world["people"], world["session"], world["round"]
    for reviewer in people[1:]:
        work = shared_work(session, people[0])
        peer_review(round_, work, reviewer, "submitted", stage="developing",
                    submitted_at=at(2026, 2, 9))  # fmt: skip

    picture = report.community_picture(world["community"], FEB)

    chart = picture.chart("stages")
    statement = round_.outcomes.get().statement
    assert chart.columns == [
        "Outcome", "emerging", "developing", "confident", "extending", "All reviews"
    ]  # fmt: skip
    assert chart.rows == [[statement, 0, 5, 0, 0, 5]]
    assert "developing 5" in chart.summary


def test_review_stages_chart_exports_as_csv(client, world):
    people, session, round_ = world["people"], world["session"], world["round"]
    for reviewer in people[1:]:
        peer_review(round_, shared_work(session, people[0]), reviewer, "submitted",
                    stage="emerging", submitted_at=at(2026, 2, 20))  # fmt: skip
    Membership.objects.filter(community=world["community"], user=people[1]).update(
        role=Membership.Role.FACILITATOR
    )
    client.force_login(people[1])

    response = client.get(
        f"/c/{world['community'].slug}/dashboard/?format=csv&chart=stages"
        "&period=custom&start=2026-02-01&end=2026-02-14"
    )

    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "Outcome,emerging,developing,confident,extending,All reviews"
    # Reviews are what people chose: the whole of February shows, 20 Feb included.
    assert lines[1].endswith(",5,0,0,0,5")


def test_headline_shows_review_share_and_alignment_coverage(world):
    from sessions.models import AgendaItem

    community, session = world["community"], world["session"]
    m1, m2, *_ = world["people"]
    reviewed = world["round"].outcomes.get()
    OutcomeFactory(community=community)  # agreed, nothing yet
    feb_session = SessionFactory(community=community, starts_at=at(2026, 2, 2))
    AgendaItem.objects.create(session=feb_session, title="Map").aligned_outcomes.add(reviewed)
    peer_review(
        world["round"], shared_work(session, m1), m2, "submitted", submitted_at=at(2026, 2, 4)
    )

    headline = report.community_picture(community, FEB).chart("headline")

    rows = {row[0]: row[1:] for row in headline.rows}
    assert rows["Agreed outcomes"] == [2, 2]
    assert [c.value for c in rows["Agreed outcomes with a peer review"]] == [0.5, 0.0]
    assert [c.value for c in rows["Alignment coverage (activity and peer review)"]] == [0.5, 0.0]
