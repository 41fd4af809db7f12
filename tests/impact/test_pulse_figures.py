"""The session pulse on the community dashboard: a monthly average, counted only from
sessions 5 or more people answered, hidden otherwise; never who answered."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from impact import figures, report
from impact.periods import Period
from sessions import services
from sessions.models import Attendance, Session
from tests.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
WINDOW = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=UTC), tick=False):
        yield


def held_with_answers(community, day: dt.datetime, faces: list[int]) -> Session:
    session = SessionFactory(community=community, starts_at=day, status=Session.Status.COMPLETED)
    for face in faces:
        person = MembershipFactory(community=community).user
        Attendance.objects.create(session=session, user=person)
        services.pulse_answer(session=session, user=person, face=face, better="secret words")
    return session


def test_monthly_average_counts_only_sessions_five_answered(riverside):
    held_with_answers(riverside, dt.datetime(2026, 1, 10, 18, tzinfo=UTC), [4, 4, 3, 3, 1])
    # Four answers on another January session: left out of January's average.
    held_with_answers(riverside, dt.datetime(2026, 1, 20, 18, tzinfo=UTC), [1, 1, 1, 1])
    # February: only a session of three answers.
    held_with_answers(riverside, dt.datetime(2026, 2, 10, 18, tzinfo=UTC), [4, 4, 4])

    months = figures.pulse_by_month(riverside, WINDOW)

    jan, feb = months
    assert (jan.month, str(jan.average), jan.answers) == (dt.date(2026, 1, 1), "3.0", 5)
    assert (feb.month, str(feb.average), feb.answers) == (dt.date(2026, 2, 1), "fewer than 5", None)
    assert feb.average.csv == "<5"


def test_a_month_without_answers_says_none(riverside):
    months = figures.pulse_by_month(riverside, WINDOW)

    assert [(str(m.average), m.answers) for m in months] == [("–", 0), ("–", 0)]


def test_no_whole_month_no_pulse(riverside):
    assert figures.pulse_by_month(riverside, None) == []


def test_pulse_chart_draws_from_the_figures(riverside):
    held_with_answers(riverside, dt.datetime(2026, 1, 10, 18, tzinfo=UTC), [4, 4, 4, 4, 2])
    months = figures.pulse_by_month(riverside, WINDOW)

    chart = report.pulse_chart(months, "Jan–Feb 2026")

    assert chart.display_rows() == [["Jan 2026", "3.6", "5"], ["Feb 2026", "–", "0"]]
    assert "secret words" not in chart.summary


def test_leader_dashboard_shows_the_pulse_and_no_answer_text(client, riverside, erin, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    held_with_answers(riverside, dt.datetime(2026, 2, 10, 18, tzinfo=UTC), [4, 3, 3, 3, 2])
    client.force_login(erin)

    response = client.get(
        reverse("dashboard:community", kwargs={"slug": "riverside"}) + "?" + WINDOW.query()
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The session pulse, month by month" in html
    assert "secret words" not in html
