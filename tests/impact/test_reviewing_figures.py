"""Peer review as a practice in the dashboards (issue 17, item 6): per outcome, authors who
received all their reviews by the due date, median days to a review, the share marked
helpful, and stages from calibrated rounds — on a small hand-built dataset with exact
values, behind the privacy floor."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from impact import figures, report
from impact.periods import Period
from reviews.models import CalibrationExample
from tests.factories import OutcomeFactory, SessionFactory, UserFactory
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
JAN_FEB = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 3, 15, 12), tick=False):
        yield


@pytest.fixture
def world(riverside):
    session = SessionFactory(community=riverside, starts_at=at(2026, 1, 28))
    outcome = OutcomeFactory(community=riverside, statement="map systems")
    return {"community": riverside, "session": session, "outcome": outcome}


FEB_1 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def pairs(world, n, *, due=dt.date(2026, 2, 10), asked=FEB_1, **round_fields):
    """n authors, each with one piece reviewed by their own reviewer, in one round."""
    round_ = review_round(world["session"], [world["outcome"]], due_on=due, **round_fields)
    result = []
    for _ in range(n):
        work = shared_work(world["session"], UserFactory())
        review = peer_review(round_, work, UserFactory(), created_at=asked)
        result.append(review)
    return round_, result


def share(review, when, **fields):
    review.status, review.submitted_at = "submitted", when
    for name, value in fields.items():
        setattr(review, name, value)
    review.save()


def test_heard_on_time_median_days_and_helpful_share(world):
    _, reviews = pairs(world, 6)
    for review in reviews[:5]:
        share(review, at(2026, 2, 5))  # four days after being asked, before the due date
    share(reviews[5], at(2026, 2, 20))  # nineteen days: late
    for review in reviews[:3]:
        review.helpful_at = at(2026, 2, 21)
        review.save()

    (row,) = figures.reviewing_by_outcome(world["community"], FEB)

    assert row["outcome"] == "map systems"
    assert str(row["heard_on_time"]) == "83 %"  # five of six authors
    assert str(row["median_days"]) == "4.0"
    assert str(row["helpful"]) == "50 %"
    assert row["reviews"] == 6


def test_fewer_than_five_people_hide_every_figure(world):
    _, reviews = pairs(world, 4)
    for review in reviews:
        share(review, at(2026, 2, 5), helpful_at=at(2026, 2, 6))

    (row,) = figures.reviewing_by_outcome(world["community"], FEB)

    for name in ("heard_on_time", "median_days", "helpful"):
        assert row[name].hidden, name
        assert str(row[name]) == "fewer than 5"
    assert row["reviews"] is None


def test_a_window_widened_by_a_month_of_few_people_is_withheld(world):
    """February alone is shown; January and February together would differ by the two
    January authors, so that window is withheld rather than compared."""
    _, feb = pairs(world, 6)
    _, jan = pairs(world, 2, due=dt.date(2026, 1, 20), asked=at(2026, 1, 10))
    for review in feb:
        share(review, at(2026, 2, 5))
    for review in jan:
        share(review, at(2026, 1, 12))

    (shown,) = figures.reviewing_by_outcome(world["community"], FEB)
    (widened,) = figures.reviewing_by_outcome(world["community"], JAN_FEB)

    assert str(shown["heard_on_time"]) == "100 %"
    assert widened["heard_on_time"].hidden
    assert widened["median_days"].hidden and widened["helpful"].hidden


def test_a_held_review_counts_only_once_released(world):
    _, reviews = pairs(world, 6, holds_reviews=True)
    for review in reviews[:5]:
        share(review, at(2026, 2, 5), released_at=at(2026, 2, 8))
    share(reviews[5], at(2026, 2, 5))  # never released: not heard, not counted

    (row,) = figures.reviewing_by_outcome(world["community"], FEB)

    assert str(row["heard_on_time"]) == "83 %"
    assert row["reviews"] == 5


def test_stages_from_calibrated_rounds_only(world):
    calibrated, reviews = pairs(world, 5)
    CalibrationExample.objects.create(round=calibrated, title="Ex", description="D", answers=[])
    for review in reviews:
        share(review, at(2026, 2, 5), stage="confident")
    _, others = pairs(world, 5)
    for review in others:
        share(review, at(2026, 2, 5), stage="emerging")

    table = figures.review_stages(world["community"], FEB, calibrated=True)
    everything = figures.review_stages(world["community"], FEB)

    assert table[0]["stages"] == {
        "emerging": 0, "developing": 0, "confident": 5, "extending": 0
    }  # fmt: skip
    assert everything[0]["stages"]["emerging"] == 5


def test_the_dashboard_draws_both_new_charts(world):
    calibrated, reviews = pairs(world, 6)
    CalibrationExample.objects.create(round=calibrated, title="Ex", description="D", answers=[])
    for review in reviews:
        share(review, at(2026, 2, 5), stage="developing")

    shown = figures.community_figures(world["community"], FEB)
    charts = {chart.name: chart for chart in report.draw_community(shown)}

    reviewing = charts["reviewing"]
    assert reviewing.display_rows() == [["map systems", "100 %", "4.0", "0 %"]]
    assert "calibrated_stages" in charts
