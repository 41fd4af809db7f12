"""Peer review in the dashboards: work shared and reviews given as contributions, and the
peer-review stages of outcome progress, on a small hand-built dataset with exact values."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from communities.models import Membership
from copsite.dashboard import figures, report
from copsite.dashboard.periods import Period
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
)
from tests.outcomes.builders import peer_review, review_round, shared_work

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
def world():
    community = CommunityFactory()
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

    contributions = figures.contributions_per_person([cid], FEB)
    equity = figures.participation_equity([cid], FEB, contributions)[cid]

    # m3: two reviews and a reflection, added across kinds.
    assert contributions.sources["shared"][cid] == {m1.pk: 2, m2.pk: 1, m3.pk: 3, m4.pk: 1}
    # Two members did nothing; the member who left is not counted.
    assert equity.frequencies == {3: 1, 2: 1, 1: 2, 0: 2}
    assert (equity.people, equity.contributions) == (6, 7)


def test_review_stages_per_month_hide_small_cells(world):
    m1, m2, *_ = world["people"]
    session, round_ = world["session"], world["round"]

    def reviews(count, stage, when, status="submitted"):
        for _ in range(count):
            work = shared_work(session, m1)
            peer_review(round_, work, m2, status, stage=stage, submitted_at=when)

    reviews(5, "emerging", at(2026, 1, 10))
    reviews(6, "developing", at(2026, 1, 31, 23, 59))
    reviews(2, "confident", at(2026, 1, 12))
    reviews(7, "confident", at(2026, 2, 1))
    reviews(3, "extending", None, status="draft")
    other = review_round(SessionFactory(), [OutcomeFactory()])
    peer_review(other, shared_work(other.session, m1), m2, "submitted", stage="confident")

    months = figures.review_stages(world["community"], JAN_FEB)

    # January: confident (2) is hidden, and the smallest other cell with it.
    assert months == [
        figures.StageMonth(
            dt.date(2026, 1, 1),
            {"emerging": 5, "developing": 6, "confident": None, "extending": 0, "": None},
        ),
        figures.StageMonth(
            dt.date(2026, 2, 1),
            {"emerging": 0, "developing": 0, "confident": 7, "extending": 0, "": 0},
        ),
    ]


def test_review_stages_chart_has_a_table_and_a_text_alternative(world):
    m1, m2, *_ = world["people"]
    for _ in range(5):
        work = shared_work(world["session"], m1)
        peer_review(world["round"], work, m2, "submitted", stage="", submitted_at=at(2026, 2, 9))

    picture = report.community_picture(world["community"], FEB)

    chart = picture.chart("stages")
    assert chart.columns == [
        "Month", "emerging", "developing", "confident", "extending", "no stage chosen"
    ]  # fmt: skip
    assert chart.rows == [["Feb 2026", 0, 0, 0, 0, 5]]
    assert chart.summary.endswith("Feb 2026: emerging 0, developing 0, confident 0, "
                                  "extending 0, no stage chosen 5")  # fmt: skip
    assert "<title>no stage chosen, Feb 2026: 5</title>" in chart.svg


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
    assert rows["Agreed outcomes with a peer review"] == [0.5, 0.0]
    assert rows["Alignment coverage (activity and peer review)"] == [0.5, 0.0]
