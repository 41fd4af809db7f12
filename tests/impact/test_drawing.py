"""The dashboards compute, then draw: one figures object per community (or set of
communities) and period, computed once, and every chart, table and CSV drawn from it
without another query."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from impact import figures, report, snapshot
from impact.charts import Chart
from impact.periods import Period
from impact.values import Percent
from reflections.models import Reflection
from sessions.models import Attendance
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
CHARTS = [
    "headline",
    "members",
    "movement",
    "sessions",
    "loops",
    "pulse",
    "equity",
    "progress",
    "actions",
]
CHARTS += ["voices"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def busy(community, people=6):
    members = [
        MembershipFactory(community=community, joined_at=NOW - dt.timedelta(days=90)).user
        for _ in range(people)
    ]
    session = SessionFactory(community=community, starts_at=dt.datetime(2026, 2, 3, tzinfo=dt.UTC))
    for person in members:
        Attendance.objects.create(session=session, user=person)
        ReflectionFactory(
            community=community,
            author=person,
            loop_level=Reflection.Loop.DOUBLE,
            visibility=Reflection.Visibility.COMMUNITY,
            created_at=dt.datetime(2026, 2, 4, tzinfo=dt.UTC),
        )
    return members


def counted(call):
    connection.queries_log.clear()  # Counted right even after 9,000 queries of setting up.
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def test_every_chart_is_drawn_from_the_figures_without_a_query(
    django_assert_num_queries, riverside
):
    community = riverside
    busy(community)
    shown = figures.community_figures(community, FEB)

    with django_assert_num_queries(0):
        charts = report.draw_community(shown)

    assert [chart.name for chart in charts] == CHARTS
    # The figures object is frozen plain data: what the cache stores, pickled whole.
    assert pickle.loads(pickle.dumps(shown)) == shown  # noqa: S301 -- our own bytes.
    with pytest.raises(AttributeError):
        shown.now = shown.before  # type: ignore[misc]


@pytest.mark.parametrize("people", [6, 18])
def test_the_dashboard_computes_its_figures_once_then_draws(
    client, settings, monkeypatch, django_assert_num_queries, people, riverside, bob
):
    """A cold page costs exactly one computation of the figures more than a warm page (the
    access check and the stories), however many people: no chart asks again."""
    settings.DASHBOARD_CACHE_SECONDS = 600
    community = riverside  # busy with `people` members; bob is its facilitator
    busy(community, people)
    client.force_login(bob)
    url = f"/c/{community.slug}/dashboard/?{FEB.query()}"
    figures.community_figures(community, FEB)  # stores the figures over whole months
    _shown, computing = counted(lambda: figures.community_figures(community, FEB))
    calls = []
    real = figures.community_figures

    def once(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(figures, "community_figures", once)
    snapshot.forget(snapshot.community_key(community.pk, FEB))

    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert len(calls) == 1
    snapshot.forget(snapshot.community_key(community.pk, FEB))
    with django_assert_num_queries(len(warm) + computing):
        client.get(url)

    assert len(cold) == len(warm) + computing
    assert first.context["picture"].charts == second.context["picture"].charts
    assert [chart.name for chart in first.context["picture"].charts] == CHARTS


def test_the_portfolio_computes_its_figures_once_then_draws(
    client, settings, monkeypatch, django_assert_num_queries, riverside, hillside, erin
):
    settings.DASHBOARD_CACHE_SECONDS = 600
    for community in (riverside, hillside, CommunityFactory()):
        busy(community)
    client.force_login(erin)
    url = f"/dashboard/?{FEB.query()}"
    client.get(url)  # warms the cache
    # The log keeps the last 9,000 queries: counted from empty, whatever came before.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    warm_queries = len(warm)
    picture = client.get(url).context
    ids = sorted(row.community.pk for row in picture["rows"])
    figures.portfolio_figures(ids, FEB)  # stores the figures over whole months
    shown, computing = counted(lambda: figures.portfolio_figures(ids, FEB))
    snapshot.forget(snapshot.portfolio_key(ids, FEB))

    with django_assert_num_queries(warm_queries + computing):
        page = client.get(url)

    rows = page.context["rows"]
    with django_assert_num_queries(0):
        chart = report.draw_portfolio(rows, shown)
    assert chart == page.context["chart"]


def test_a_tables_rows_are_written_escaped_each_first_cell_its_header():
    chart = Chart(
        name="t",
        title="T",
        columns=["Outcome", "Share", "Reviews"],
        rows=[["<b>map</b> systems & more", Percent(1, 4), None], ["plain", Percent(0, 0), 7]],
    )

    assert chart.body_html() == (
        '<tr><th scope="row">&lt;b&gt;map&lt;/b&gt; systems &amp; more</th>'
        "<td>25 %</td><td>fewer than 5</td></tr>"
        '<tr><th scope="row">plain</th><td>–</td><td>7</td></tr>'
    )
