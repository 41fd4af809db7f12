"""Every voice on the dashboard: voices heard per month, check-ins sent and members who
came back, with the privacy floor (also against subtraction) and never a name."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from communities.models import CheckIn
from impact.figures import voices_by_month
from impact.periods import UTC, Period
from impact.report import voices_chart
from impact.values import text
from tests.factories import (
    AttendanceFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    SharedWorkFactory,
)

pytestmark = pytest.mark.django_db

FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(at(2026, 3, 15, 12), tick=False):
        yield


def attendees(community, n, session):
    people = [MembershipFactory(community=community).user for _ in range(n)]
    for person in people:
        AttendanceFactory(session=session, user=person)
    return people


def feb_session(community):
    return SessionFactory(community=community, starts_at=at(2026, 2, 10, 18), status="completed")


def test_voices_heard_is_the_share_of_the_months_attendees_who_contributed(frozen, riverside):
    session = feb_session(riverside)
    people = attendees(riverside, 10, session)
    for person in people[:3]:
        ReflectionFactory(community=riverside, author=person, created_at=at(2026, 2, 11))
    for person in people[3:5]:
        SharedWorkFactory(session=session, author=person, created_at=at(2026, 2, 12))
    # Not that month, or not shared: not heard.
    ReflectionFactory(community=riverside, author=people[5], created_at=at(2026, 1, 20))
    ReflectionFactory(
        community=riverside, author=people[6], visibility="private", created_at=at(2026, 2, 11)
    )

    [feb] = voices_by_month(riverside, FEB)

    assert feb.attendees == 10
    assert str(feb.voices_heard) == "50 %"


@pytest.mark.parametrize(
    ("attending", "heard", "shown"),
    [(4, 0, "fewer than 5"), (8, 3, "fewer than 5"), (8, 5, "fewer than 5"), (10, 0, "0 %")],
)
def test_voices_heard_is_hidden_on_1_to_4_people_or_their_complement(
    frozen, riverside, attending, heard, shown
):
    session = feb_session(riverside)
    for person in attendees(riverside, attending, session)[:heard]:
        ReflectionFactory(community=riverside, author=person, created_at=at(2026, 2, 11))

    [feb] = voices_by_month(riverside, FEB)

    assert str(feb.voices_heard) == shown


def checkins(community, sent, back):
    for n in range(sent):
        CheckIn.objects.create(
            membership=MembershipFactory(community=community),
            spell_started_at=at(2026, 2, 1),
            sent_at=at(2026, 2, 3),
            came_back_at=at(2026, 2, 20) if n < back else None,
        )


@pytest.mark.parametrize(
    ("sent", "back", "shown_sent", "shown_back"),
    [(3, 3, None, None), (6, 2, 6, None), (7, 5, 7, None), (10, 5, 10, 5), (5, 0, 5, 0)],
)
def test_checkins_and_came_back_keep_the_floor(
    frozen, riverside, sent, back, shown_sent, shown_back
):
    checkins(riverside, sent, back)

    [feb] = voices_by_month(riverside, FEB)

    assert (feb.checkins, feb.came_back) == (shown_sent, shown_back)


def test_the_month_is_the_same_whatever_period_is_chosen(frozen, riverside):
    session = feb_session(riverside)
    for person in attendees(riverside, 9, session)[:5]:
        ReflectionFactory(community=riverside, author=person, created_at=at(2026, 2, 11))
    checkins(riverside, 6, 5)
    longer = Period(dt.date(2026, 1, 20), dt.date(2026, 3, 10)).whole_months()

    by_feb = voices_by_month(riverside, FEB)[0]
    by_longer = {m.month: m for m in voices_by_month(riverside, longer)}[dt.date(2026, 2, 1)]

    assert by_feb == by_longer


def test_the_chart_names_nobody_and_costs_two_queries(frozen, riverside, django_assert_num_queries):
    session = feb_session(riverside)
    people = attendees(riverside, 6, session)
    checkins(riverside, 5, 5)

    with django_assert_num_queries(2):
        months = voices_by_month(riverside, FEB)
    chart = voices_chart(months, "Feb 2026")

    cells = " ".join(text(c) for row in chart.rows for c in row) + chart.summary + chart.note
    assert all(person.name not in cells for person in people)
    assert chart.rows[0][1:] == [6, months[0].voices_heard, 5, 5]


def test_no_whole_month_yet_draws_an_empty_table(riverside):
    assert voices_by_month(riverside, None) == []
    assert voices_chart([], "no whole month yet").rows == []
