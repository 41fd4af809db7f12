"""Figures that need models from other issues (actions and confidence ratings, issue 6).
They skip until those models are on the branch, then check exact values."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.apps import apps

from impact import figures
from impact.periods import Period
from tests.factories import OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def model_or_skip(name: str):
    try:
        return apps.get_model("reflections", name)
    except LookupError:
        pytest.skip(f"reflections.{name} is not on this branch yet (issue 6)")


def test_a_community_without_actions_ratings_or_reviews_shows_empty_figures(client, riverside, bob):
    """Actions and confidence ratings exist on every branch now: a community that has none
    gets zero actions and no progress row (drawn, not pending); only peer-review stages
    wait, until a review chooses a stage."""
    community, facilitator = riverside, bob

    shown = figures.community_figures(community, FEB)

    now, before = shown.actions
    assert (now.opened, now.done, now.dropped, now.median_days) == (0, 0, 0, None)
    assert (before.opened, before.done, before.dropped) == (0, 0, 0)
    assert (shown.progress, shown.stages) == ((), None)
    client.force_login(facilitator)
    page = client.get(f"/c/{community.slug}/dashboard/").content.decode()
    assert "Peer-review stages per outcome appear here once" in page
    assert "appears here once members rate their confidence" not in page
    assert "appear here once the community records actions" not in page
    assert 'id="chart-actions-figure"' in page and 'id="chart-progress-figure"' in page


def test_actions_flow_counts_and_median_days_to_done(riverside, alice):
    action = model_or_skip("Action")
    community, owner = riverside, alice

    def make(created, status="proposed", done=None, changed=None):
        with time_machine.travel(changed or created, tick=False):
            return action.objects.create(
                community=community,
                owner=owner,
                title="Try it",
                created_at=created,
                status=status,
                done_at=done,
            )

    make(at(2026, 2, 2), "done", at(2026, 2, 12))
    make(at(2026, 1, 20), "done", at(2026, 2, 5))
    make(at(2026, 2, 10), "dropped", changed=at(2026, 2, 20))
    make(at(2026, 2, 15), "doing")
    make(at(2026, 1, 25), "done", at(2026, 1, 30))

    now, before = figures.actions_flow_in([community.pk], [FEB, FEB.previous()])

    flow = now[community.pk]
    assert (flow.opened, flow.done, flow.dropped, flow.median_days) == (3, 2, 1, 13.0)
    previous = before[community.pk]
    assert (previous.opened, previous.done, previous.dropped) == (2, 1, 0)


def test_outcome_confidence_shows_averages_of_five_people_only(riverside):
    confidence = apps.get_model("outcomes", "ConfidenceRating")
    community = riverside  # rated by people built here, as many as the figure needs
    shared, small = OutcomeFactory(community=community), OutcomeFactory(community=community)
    for rating in (1, 2, 3, 4, 5):
        confidence.objects.create(
            user=UserFactory(), outcome=shared, rating=rating, created_at=at(2026, 2, 3)
        )
    for rating in (1, 5):
        confidence.objects.create(
            user=UserFactory(), outcome=small, rating=rating, created_at=at(2026, 2, 3)
        )
    confidence.objects.create(
        user=UserFactory(), outcome=shared, rating=5, created_at=at(2026, 1, 3)
    )

    progress = figures.outcome_progress(community, FEB)

    rows = {row["outcome"]: row for row in progress}

    assert (rows[shared.statement]["average"], rows[shared.statement]["people"]) == (3.0, 5)
    assert (rows[small.statement]["average"], rows[small.statement]["people"]) == (None, None)
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("days", "median"),
    [
        ([4], 4.0),
        ([9, 1], 5.0),
        ([7, 1, 30], 7.0),
        ([2, 2, 10, 4], 3.0),
        ([6, 1, 8, 3, 20, 5], 5.5),
    ],
)
def test_median_days_to_done_odd_and_even_counts_per_community(
    days, median, riverside, alice, hillside, dave
):
    action = model_or_skip("Action")
    community, other = riverside, hillside
    owner = alice
    for n in days:
        action.objects.create(
            community=community,
            owner=owner,
            title="Try it",
            created_at=at(2026, 2, 28) - dt.timedelta(days=n),
            status="done",
            done_at=at(2026, 2, 28),
        )
    # Another community's slow action must not move this median.
    action.objects.create(
        community=other,
        owner=dave,
        title="Elsewhere",
        created_at=at(2025, 12, 1),
        status="done",
        done_at=at(2026, 2, 20),
    )

    (flows,) = figures.actions_flow_in([community.pk, other.pk], [FEB])

    assert flows[community.pk].median_days == pytest.approx(median)
    assert flows[other.pk].median_days == pytest.approx(81.0)


def test_review_stages_wait_for_peer_review(riverside):
    assert figures.review_stages(riverside, FEB) is None


def test_stage_table_counts_per_outcome_and_hides_stages_of_few_reviewers():
    rows = [
        {"outcome": "map well", "stage": "developing", "n": 9, "people": 6},
        {"outcome": "map well", "stage": "confident", "n": 7, "people": 5},
        {"outcome": "map well", "stage": "extending", "n": 2, "people": 2},
        {"outcome": "map well", "stage": "", "n": 4, "people": 4},  # no stage: not counted
        {"outcome": "decide", "stage": "emerging", "n": 3, "people": 2},
        {"outcome": "decide", "stage": "developing", "n": 4, "people": 3},
    ]

    table = figures.stage_table(rows)

    # "map well": extending (2 reviewers) hidden, and the smallest shown cell with it; the
    # total adds up the cells shown only, so it never holds a hidden one.
    assert table[0] == {
        "outcome": "map well",
        "stages": {"emerging": None, "developing": 9, "confident": 7, "extending": None},
        "total": 16,
    }
    # "decide": every stage rests on fewer than 5 reviewers, so the total is hidden too.
    assert table[1] == {
        "outcome": "decide",
        "stages": {"emerging": None, "developing": None, "confident": 0, "extending": 0},
        "total": None,
    }


def test_stages_chart_draws_and_tables_the_stage_table():
    from impact.charts import csv_text
    from impact.report import stages_chart

    table = figures.stage_table(
        [
            {"outcome": "map well", "stage": "developing", "n": 9, "people": 6},
            {"outcome": "map well", "stage": "confident", "n": 7, "people": 5},
        ]
    )

    chart = stages_chart(table, "Feb 2026")

    assert csv_text(chart).splitlines() == [
        "Outcome,emerging,developing,confident,extending,All reviews",
        "map well,0,9,7,0,16",
    ]
    assert chart.svg.count('class="chart-bar') == 2
