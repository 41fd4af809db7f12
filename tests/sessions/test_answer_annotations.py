"""A list's `going` and `my_rsvp` (written as SQL once, sessions.selectors._RowSubquery)
follow the one rule of the answer that counts, `responses_for`: one's own answer to a
session, else one's answer to its series; also when the list is itself a subquery."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from sessions.models import RSVP, Series, SeriesRSVP, Session
from sessions.selectors import responses_for, with_going_count, with_my_rsvp
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

ANSWERS = [None, *RSVP.Response.values]


@pytest.fixture
def answered(riverside, member_of):
    """Two sessions of a series and one outside it, and six people answering them every
    way there is: the series or not, each session or not."""
    series = Series.objects.create(
        community=riverside,
        title="Weekly",
        rule="FREQ=WEEKLY",
        start_date=timezone.now().date(),
        start_time="18:00",
        time_zone="UTC",
        uid="answers",
        is_live=True,
    )
    sessions = [
        SessionFactory(community=riverside, series=series),
        SessionFactory(community=riverside, series=series),
        SessionFactory(community=riverside),
    ]
    people = []
    for by_series, own in itertools.islice(itertools.product(ANSWERS, ANSWERS), 0, None, 2):
        person = member_of(riverside)
        people.append(person)
        if by_series:
            SeriesRSVP.objects.create(series=series, user=person, response=by_series)
        if own:
            RSVP.objects.create(session=sessions[0], user=person, response=own)
            RSVP.objects.create(session=sessions[2], user=person, response=own)
    return sessions, people


def test_going_counts_the_answer_that_counts(answered):
    sessions, _ = answered
    rows = Session.objects.filter(pk__in=[session.pk for session in sessions])

    for response in RSVP.Response.values:
        counted = {row.pk: row.going for row in with_going_count(rows, response)}
        expected = {
            session.pk: sum(1 for answer in responses_for(session).values() if answer == response)
            for session in sessions
        }
        assert counted == expected, response
    assert sum(row.going for row in with_going_count(rows)) > 0


def test_my_rsvp_is_the_answer_that_counts_for_each_person(answered):
    sessions, people = answered
    rows = Session.objects.filter(pk__in=[session.pk for session in sessions])

    for person in people:
        mine = {row.pk: row.my_rsvp for row in with_my_rsvp(rows, person)}
        assert mine == {
            session.pk: responses_for(session, [person]).get(person.pk) for session in sessions
        }


def test_the_annotations_hold_inside_a_subquery(answered):
    sessions, people = answered
    inner = with_my_rsvp(with_going_count(Session.objects.all()), people[-1])
    chosen = inner.filter(going__gte=0, my_rsvp__isnull=False).values("pk")

    assert set(Session.objects.filter(pk__in=chosen).values_list("pk", flat=True)) == {
        session.pk for session in sessions if responses_for(session, [people[-1]])
    }


def test_going_or_came_follows_the_answer_that_counts_and_adds_who_came(answered):
    """The compiled ids (one query per shape, in a series or not) give each session its own
    people: those whose answer that counts is "going", and whoever came."""
    from sessions.models import Attendance
    from sessions.selectors import going_or_came_ids

    sessions, people = answered
    came = people[0]
    for session in sessions:
        Attendance.objects.create(session=session, user=came)

    for session in sessions:
        going = {user for user, answer in responses_for(session).items() if answer == "going"}
        assert going_or_came_ids(session) == sorted(going | {came.pk})
