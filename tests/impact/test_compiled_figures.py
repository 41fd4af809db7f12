"""The figure queries compiled once (impact.figures.common.FigureQuery): for any
communities and periods they give exactly what their querysets built afresh give, on
random data; the clock is read when a request asks, never kept from when the query was
compiled; periods in another order are built afresh; and on PostgreSQL every one of them
is kept (SQLite adapts datetimes, so there they are always built afresh)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.db import connection

from impact import figures
from impact.figures import alignment, attendance, headlines, learning
from impact.figures.common import per_person, per_person_counts
from impact.periods import Period
from sessions.models import Attendance, Session
from tests.factories import MembershipFactory, SessionFactory
from tests.impact.test_stored_figures import NOW, PERIODS, busy

pytestmark = pytest.mark.django_db
UTC = dt.UTC
# Each query and how many periods its figure asks it about (a period and the one before,
# or the period alone).
ROWS = [
    (alignment._COVERAGE, 2),
    (learning._ACTIONS, 2),
    (learning._MIDDLE_DURATIONS, 1),
    (learning._LOOPS_BY_MONTH, 1),
    (attendance._SESSIONS_BY_MONTH, 1),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def afresh(query, ids, periods):
    return list(query.build(ids, [p.bounds() for p in periods]))


@pytest.mark.parametrize("seed", [4, 5])
def test_compiled_figure_queries_give_what_building_them_afresh_gives(seed):
    rng = random.Random(seed)
    communities = [busy(rng), busy(rng, people=6)]
    ids = [c.pk for c in communities]

    for period in PERIODS:
        both = [period, period.previous()]
        for query, asked in ROWS:
            for among in ([ids[0]], ids, ids[::-1]):
                rows = query.rows(among, both[:asked])
                assert sorted(rows) == sorted(afresh(query, among, both[:asked]))
        union = headlines._PERIOD_COUNTS
        for among in ([ids[1]], ids):
            direct = per_person(
                figures.members.movement_source(among, both),
                figures.learning.loop_depth_source(among, both),
                *figures.attendance.sessions_sources(among, both),
            )
            assert per_person_counts(*union.statement(among, both)) == direct
            assert direct  # the seeded history gives something to count


def test_the_clock_is_read_when_asked_never_kept_from_compiling():
    membership = MembershipFactory()
    community = membership.community
    session = SessionFactory(
        community=community, starts_at=NOW + dt.timedelta(hours=1), status="scheduled"
    )
    Attendance.objects.create(session=session, user=membership.user)
    period = Period(NOW.date() - dt.timedelta(days=29), NOW.date())  # ends at midnight

    def held() -> tuple[int, int]:
        now, _before = figures.headlines_in([community], [period, period.previous()], [None, None])
        by_month = figures.sessions_by_month(community, period)
        return now[community.pk].sessions.held, sum(m.held for m in by_month)

    assert held() == (0, 0)  # compiled now, while the session is still ahead
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert held() == (1, 1)
    assert Session.objects.count() == 1


def test_periods_in_another_order_are_built_afresh():
    rng = random.Random(6)
    community = busy(rng, people=6)
    period = PERIODS[0]
    backwards = [period.previous(), period]

    query, _values, _bounds = learning._ACTIONS._kept([community.pk], backwards)

    assert query is None
    assert learning._ACTIONS.rows([community.pk], backwards) == afresh(
        learning._ACTIONS, [community.pk], backwards
    )


def test_every_figure_query_is_kept_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite adapts datetimes: its figure queries are built afresh")
    for query, periods in [*ROWS, (headlines._PERIOD_COUNTS, 2)]:
        for communities in (1, 3, 20):
            assert query._compiled.compiled(communities=communities, periods=periods), query.build
