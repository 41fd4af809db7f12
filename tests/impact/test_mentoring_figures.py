"""The dashboards' "mentoring pairs active" figure (issue 18): whole months, and hidden when
it rests on fewer than 5 people."""

from __future__ import annotations

import datetime as dt

import pytest

from impact.figures.mentoring import mentoring_pairs_in
from impact.periods import Period
from impact.report import headline_chart
from tests.factories import CommunityFactory
from tests.factories.communities import MentoringPairFactory

pytestmark = pytest.mark.django_db
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MID_FEB = dt.datetime(2026, 2, 10, tzinfo=dt.UTC)


def pairs(community, n, **fields):
    return [
        MentoringPairFactory(community=community, started_at=MID_FEB, **fields) for _ in range(n)
    ]


def test_three_pairs_rest_on_six_people_and_show():
    community = CommunityFactory()
    pairs(community, 3)

    assert mentoring_pairs_in([community], [FEB]) == [{community.pk: 3}]


def test_two_pairs_rest_on_four_people_and_hide():
    community = CommunityFactory()
    pairs(community, 2)

    assert mentoring_pairs_in([community], [FEB]) == [{community.pk: None}]


def test_a_mentor_with_three_newcomers_is_four_people_and_hides():
    community = CommunityFactory()
    first = MentoringPairFactory(community=community, started_at=MID_FEB)
    pairs(community, 2, mentor=first.mentor)

    assert mentoring_pairs_in([community], [FEB]) == [{community.pk: None}]


def test_someone_mentored_and_mentoring_counts_once():
    """Three pairs where one newcomer also mentors: 5 people, not 6 (shown); with only
    two others it would be 4 (hidden)."""
    community = CommunityFactory()
    mentored = MentoringPairFactory(community=community, started_at=MID_FEB)
    MentoringPairFactory(community=community, started_at=MID_FEB, mentor=mentored.newcomer)
    MentoringPairFactory(community=community, started_at=MID_FEB, mentor=mentored.mentor)

    # People: mentor, newcomer (also a mentor), and two more newcomers = 4: hidden.
    assert mentoring_pairs_in([community], [FEB]) == [{community.pk: None}]
    MentoringPairFactory(community=community, started_at=MID_FEB)
    assert mentoring_pairs_in([community], [FEB]) == [{community.pk: 4}]


def test_pairs_ended_before_or_begun_after_do_not_count():
    community = CommunityFactory()
    pairs(community, 3)
    pairs(community, 3, ended_at=dt.datetime(2026, 1, 20, tzinfo=dt.UTC))
    pairs(community, 3)
    for pair in community.pairs.order_by("-pk")[:3]:
        pair.started_at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        pair.save()

    assert mentoring_pairs_in([community], [FEB, None]) == [{community.pk: 3}, {community.pk: None}]


def test_the_headline_table_says_fewer_than_5_and_dash_before_a_whole_month():
    from impact.figures import headlines_in

    community = CommunityFactory()
    pairs(community, 1)
    now, before = headlines_in([community.pk], [FEB, FEB.previous()], [FEB, None])
    chart = headline_chart(now[community.pk], before[community.pk])
    row = next(r for r in chart.rows if r[0].startswith("Mentoring pairs active"))

    assert row[1:] == [None, "–"]
