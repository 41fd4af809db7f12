"""The privacy floor in the dashboards, held against reading small groups off a table and
against differencing (issue 12, findings 2 and 6)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from communities.models import Membership
from core import privacy
from sessions.models import Attendance
from tests.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db
F = Membership.Role.FACILITATOR


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 12, 15, 12), tick=False):
        yield


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_privacy_floor_hides_one_to_four_people_and_keeps_zero():
    assert [privacy.people_figure(n) for n in (0, 1, 4, 5)] == [0, None, None, 5]
    assert privacy.people_figure(12, people=3) is None
    assert privacy.average_figure(3.6, 4) is None
    assert privacy.average_figure(3.6, 5) == 3.6


def test_equity_table_hides_a_group_of_four_people_on_the_page_and_in_the_csv(
    client, riverside, bob
):
    community = riverside
    for _ in range(3):
        MembershipFactory(community=community, joined_at=at(2025, 1, 1))
    Membership.objects.filter(community=community, user=bob).update(joined_at=at(2025, 1, 1))
    client.force_login(bob)
    url = f"/c/{community.slug}/dashboard/"

    page = client.get(url)
    table = rows(client.get(url + "?format=csv&chart=equity"))

    equity = next(c for c in page.context["picture"].charts if c.name == "equity")
    assert equity.columns[1] == "People"
    assert [row[1] for row in equity.display_rows()] == ["fewer than 5", "fewer than 5"]
    assert [row[1] for row in table[1:]] == ["<5", "<5"]


# --- differencing (finding 2) --------------------------------------------------------------


def export(client, slug, chart, start, end) -> list[list[str]]:
    query = f"period=custom&start={start}&end={end}&format=csv&chart={chart}"
    return rows(client.get(f"/c/{slug}/dashboard/?{query}"))


def row_starting(table, prefix) -> list[str]:
    return next(row for row in table if row[0].startswith(prefix))


@pytest.fixture
def rated(riverside):
    """Five members rate an outcome on 1–6 Nov (average 3.6); a sixth rates it 1 on 7 Nov
    (average 3.2): the one rating a leader found by asking for the two periods."""
    from outcomes.models import ConfidenceRating
    from tests.factories import OutcomeFactory

    community = riverside
    outcome = OutcomeFactory(community=community, statement="read a map aloud")
    people = [
        MembershipFactory(community=community, joined_at=at(2026, 1, 1)).user for _ in range(6)
    ]
    for person, rating, day in zip(people, (4, 4, 4, 3, 3, 1), (1, 2, 3, 4, 6, 7), strict=True):
        ConfidenceRating.objects.create(
            user=person, outcome=outcome, rating=rating, created_at=at(2026, 11, day, 10)
        )
    return community


def test_two_periods_a_day_apart_give_the_same_figures_about_people(client, rated, erin):
    client.force_login(erin)

    for chart in ("progress", "equity", "headline"):
        six = export(client, rated.slug, chart, "2026-11-01", "2026-11-06")
        seven = export(client, rated.slug, chart, "2026-11-01", "2026-11-07")
        if chart == "headline":  # Only its figures about people cover whole months.
            six = [row for row in six if "whole months" in row[0]]
            seven = [row for row in seven if "whole months" in row[0]]
        assert six == seven, chart
    # Both show the whole of November, labelled so: every rating of the month.
    progress = export(client, rated.slug, "progress", "2026-11-01", "2026-11-06")
    assert progress[1:] == [["read a map aloud", "Nov 2026", "3.2", "6"]]
    page = client.get(f"/c/{rated.slug}/dashboard/?period=custom&start=2026-11-01&end=2026-11-06")
    assert "whole months: Nov 2026, beside Oct 2026" in page.content.decode()


def test_the_month_still_running_shows_no_figure_about_people(client, rated, erin):
    client.force_login(erin)

    progress = export(client, rated.slug, "progress", "2026-12-01", "2026-12-15")
    headline = export(client, rated.slug, "headline", "2026-12-01", "2026-12-15")

    # Today's view and tomorrow's would differ by the day's ratings: none is shown.
    assert progress[1:] == []
    assert row_starting(headline, "People who attended")[1:] == ["–", "–"]


def test_a_window_widened_by_a_month_of_fewer_than_five_people_withholds(client, erin, riverside):
    community = riverside
    six = [MembershipFactory(community=community, joined_at=at(2026, 1, 1)).user for _ in range(6)]
    newcomer = MembershipFactory(community=community, joined_at=at(2026, 1, 1)).user
    october = SessionFactory(community=community, starts_at=at(2026, 10, 8, 18))
    november = SessionFactory(community=community, starts_at=at(2026, 11, 12, 18))
    for person in six:
        Attendance.objects.create(session=october, user=person)
    Attendance.objects.create(session=november, user=newcomer)
    client.force_login(erin)

    october_only = export(client, community.slug, "headline", "2026-10-01", "2026-10-31")
    widened = export(client, community.slug, "headline", "2026-10-01", "2026-11-30")
    equity = export(client, community.slug, "equity", "2026-10-01", "2026-11-30")

    assert row_starting(october_only, "People who attended")[1] == "6"
    # With November, 7 − 6 would be the one newcomer: the window is withheld instead.
    assert row_starting(widened, "People who attended")[1] == "<5"
    assert row_starting(widened, "Returning attendees")[1] == "<5"
    assert equity[1][2:] == ["<5", "<5", "<5"]  # contributions, Gini, top 10 % share


def test_the_portfolio_total_is_the_sum_of_the_rows_shown(client, erin, riverside, hillside):
    big, small = riverside, hillside
    for community, size in ((big, 7), (small, 3)):
        session = SessionFactory(community=community, starts_at=at(2026, 11, 12, 18))
        for _ in range(size):
            person = MembershipFactory(community=community, joined_at=at(2026, 1, 1)).user
            Attendance.objects.create(session=session, user=person)
    client.force_login(erin)

    header, *body, total = rows(
        client.get(
            "/dashboard/?period=custom&start=2026-11-01&end=2026-11-30&format=csv&chart=portfolio"
        )
    )

    by_name = {row[0]: row for row in body}
    assert set(by_name) >= {"Riverside", "Hillside"}
    assert total[0] == (
        "Every community, figures shown added up (and 1 community with figures too small to show)"
    )
    for column in ("Members", "Sessions held", "People who attended (Nov 2026)"):
        index = header.index(column)
        shown = [int(row[index]) for row in body if row[index].isdigit()]
        # The total minus the rows shown is nothing: a hidden "<5" is never inside it.
        assert int(total[index]) == sum(shown), column
    members = header.index("Members")
    assert (by_name["Riverside"][members], by_name["Hillside"][members]) == ("7", "<5")
    assert int(total[members]) == sum(int(row[members]) for row in body if row[members].isdigit())


def test_the_cache_serves_a_new_window_as_soon_as_a_month_ends(client, rated, settings, erin):
    settings.DASHBOARD_CACHE_SECONDS = 600
    client.force_login(erin)

    with time_machine.travel(at(2026, 11, 30, 23, 55), tick=False):
        before = export(client, rated.slug, "progress", "2026-11-01", "2026-11-30")
    with time_machine.travel(at(2026, 12, 1, 0, 1), tick=False):
        after = export(client, rated.slug, "progress", "2026-11-01", "2026-11-30")

    # Five minutes apart, well inside the cache's ten: November ended in between, so the
    # figures about people are a new entry, not November-so-far served again.
    assert before[1:] == []
    assert after[1:] == [["read a map aloud", "Nov 2026", "3.2", "6"]]


def test_whole_months_of_a_period():
    from impact.periods import Period

    today = dt.date(2026, 12, 15)
    window = Period(dt.date(2026, 11, 15), dt.date(2026, 12, 10)).whole_months(today)

    assert window == Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert window.previous_months() == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert Period(dt.date(2025, 12, 16), dt.date(2026, 12, 15)).whole_months(today) == Period(
        dt.date(2025, 12, 1), dt.date(2026, 11, 30)
    )
    assert Period(dt.date(2026, 12, 1), dt.date(2026, 12, 15)).whole_months(today) is None
    labels = [
        Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).month_label(),
        Period(dt.date(2026, 11, 1), dt.date(2026, 12, 31)).month_label(),
        Period(dt.date(2025, 12, 1), dt.date(2026, 11, 30)).month_label(),
    ]
    assert labels == ["Nov 2026", "Nov–Dec 2026", "Dec 2025–Nov 2026"]


def test_a_stage_widened_by_a_month_of_fewer_than_five_reviewers_withholds():
    from impact import figures

    rows = [
        {"outcome": "map well", "stage": "developing", "month": "Oct", "n": 6, "people": 6},
        {"outcome": "map well", "stage": "confident", "month": "Oct", "n": 5, "people": 5},
        {"outcome": "map well", "stage": "confident", "month": "Nov", "n": 1, "people": 1},
    ]

    october, widened = figures.stage_table(rows[:2]), figures.stage_table(rows)

    assert october[0]["stages"]["confident"] == 5
    # 6 − 5 would be November's one reviewer's choice: the cell is withheld instead, and
    # the total adds up only what is shown.
    assert widened[0]["stages"] == {
        "emerging": None, "developing": 6, "confident": None, "extending": 0
    }  # fmt: skip
    assert widened[0]["total"] == 6
