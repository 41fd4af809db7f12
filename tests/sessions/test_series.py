"""Series: the rule expanded in local wall-clock time, and occurrences made as sessions."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from sessions import services
from sessions.calendar import series_ics
from sessions.models import AgendaItem, Series, Session
from sessions.recurrence import Frequency, RuleError, expand, rule_for
from sessions.tasks import series_extend_scan
from tests.factories import AgendaItemFactory, OutcomeFactory

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def utc_times(occurrences):
    return [o.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for o in occurrences]


def local_times(occurrences, tz):
    return {o.starts_at.astimezone(tz).strftime("%a %H:%M") for o in occurrences}


# --- expansion ---------------------------------------------------------------------------


def test_london_fortnightly_stays_at_six_across_march_change():
    start = datetime(2026, 3, 18, 18, 0)
    occurrences = expand(
        rule=rule_for(Frequency.FORTNIGHTLY, start.date()), start=start, tz=LONDON, count=3
    )

    assert utc_times(occurrences) == ["2026-03-18 18:00", "2026-04-01 17:00", "2026-04-15 17:00"]
    assert local_times(occurrences, LONDON) == {"Wed 18:00"}


def test_london_weekly_stays_at_six_across_october_change():
    start = datetime(2026, 10, 21, 18, 0)
    occurrences = expand(
        rule=rule_for(Frequency.WEEKLY, start.date()),
        start=start,
        tz=LONDON,
        until=date(2026, 11, 4),
    )

    assert utc_times(occurrences) == ["2026-10-21 17:00", "2026-10-28 18:00", "2026-11-04 18:00"]
    assert local_times(occurrences, LONDON) == {"Wed 18:00"}


def test_new_york_series_keeps_local_time_across_both_changes():
    start = datetime(2026, 3, 1, 9, 30)
    spring = expand(
        rule=rule_for(Frequency.WEEKLY, start.date()), start=start, tz=NEW_YORK, count=2
    )
    autumn_start = datetime(2026, 10, 25, 9, 30)
    autumn = expand(
        rule=rule_for(Frequency.WEEKLY, autumn_start.date()),
        start=autumn_start,
        tz=NEW_YORK,
        count=2,
    )

    assert utc_times(spring) == ["2026-03-01 14:30", "2026-03-08 13:30"]
    assert utc_times(autumn) == ["2026-10-25 13:30", "2026-11-01 14:30"]
    assert local_times(spring + autumn, NEW_YORK) == {"Sun 09:30"}


def test_kolkata_has_no_change_so_utc_time_never_moves():
    start = datetime(2026, 3, 4, 18, 0)
    occurrences = expand(
        rule=rule_for(Frequency.FOUR_WEEKLY, start.date()), start=start, tz=KOLKATA, count=10
    )

    assert {o.starts_at.astimezone(UTC).strftime("%H:%M") for o in occurrences} == {"12:30"}
    assert occurrences[-1].local == datetime(2026, 11, 11, 18, 0)


def test_monthly_on_nth_weekday_and_on_day():
    start = datetime(2026, 1, 14, 18, 0)  # the second Wednesday of January
    by_weekday = expand(
        rule=rule_for(Frequency.MONTHLY_WEEKDAY, start.date()), start=start, tz=LONDON, count=4
    )
    by_day = expand(
        rule=rule_for(Frequency.MONTHLY_DAY, start.date()), start=start, tz=LONDON, count=3
    )

    assert [o.local.date() for o in by_weekday] == [
        date(2026, 1, 14),
        date(2026, 2, 11),
        date(2026, 3, 11),
        date(2026, 4, 8),
    ]
    assert [o.local.date() for o in by_day] == [
        date(2026, 1, 14),
        date(2026, 2, 14),
        date(2026, 3, 14),
    ]


def test_fifth_weekday_means_the_last_one():
    assert rule_for(Frequency.MONTHLY_WEEKDAY, date(2026, 4, 29)) == "FREQ=MONTHLY;BYDAY=-1WE"


def test_time_skipped_by_spring_forward_names_dates_and_next_valid_time():
    start = datetime(2026, 3, 22, 1, 30)  # a Sunday; 29 March 01:30 does not exist in London

    with pytest.raises(RuleError) as refusal:
        expand(rule=rule_for(Frequency.WEEKLY, start.date()), start=start, tz=LONDON, count=3)

    assert refusal.value.field == "starts_local"
    assert "29 March 2026" in refusal.value.message
    assert "02:30" in refusal.value.message
    assert "22 March" not in refusal.value.message


def test_more_than_two_hundred_occurrences_is_refused():
    start = datetime(2026, 3, 4, 18, 0)
    rule = rule_for(Frequency.WEEKLY, start.date())

    with pytest.raises(RuleError) as by_count:
        expand(rule=rule, start=start, tz=LONDON, count=201)
    with pytest.raises(RuleError) as by_date:
        expand(rule=rule, start=start, tz=LONDON, until=date(2030, 3, 4))

    assert (by_count.value.field, by_date.value.field) == ("count", "until")
    assert "200" in by_date.value.message
    assert len(expand(rule=rule, start=start, tz=LONDON, count=200)) == 200


def test_end_before_start_and_rule_with_no_occurrence_are_refused():
    start = datetime(2026, 3, 4, 18, 0)
    with pytest.raises(RuleError) as backwards:
        expand(
            rule=rule_for(Frequency.WEEKLY, start.date()),
            start=start,
            tz=LONDON,
            until=date(2026, 3, 3),
        )
    with pytest.raises(RuleError) as empty:
        expand(
            rule="FREQ=MONTHLY;BYMONTHDAY=31",
            start=datetime(2026, 2, 1, 18, 0),
            tz=LONDON,
            until=date(2026, 2, 28),
        )

    assert "before it starts" in backwards.value.message
    assert "no session" in empty.value.message


# --- occurrences as sessions ------------------------------------------------------------------


@pytest.fixture
def planned(world):
    """Bob's session on Wednesday 4 March 2026, 18:00 London, with a two-item agenda."""
    session = world.session
    session.starts_at = datetime(2026, 3, 4, 18, 0, tzinfo=LONDON)
    session.description = "Bring a map."
    session.save()
    outcome = OutcomeFactory(community=world.community, status="agreed")
    AgendaItemFactory(
        session=session, title="Review our open actions", kind="review_actions", position=0
    )
    mapping = AgendaItemFactory(session=session, title="Live mapping", minutes=40, position=1)
    mapping.aligned_outcomes.add(outcome)
    return session


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_series_from_a_session_makes_each_occurrence_with_its_plan(world, planned):
    series = services.series_create(
        session=planned,
        user=world.facilitator,
        frequency=Frequency.FORTNIGHTLY,
        until=None,
        count=4,
    )

    sessions = list(series.sessions.order_by("starts_at"))
    assert [timezone_local(s) for s in sessions] == [
        "2026-03-04 18:00",
        "2026-03-18 18:00",
        "2026-04-01 18:00",
        "2026-04-15 18:00",
    ]
    assert sessions[2].starts_at.astimezone(UTC).hour == 17
    assert [s.recurrence_id for s in sessions] == [s.starts_at for s in sessions]
    later = sessions[3]
    assert later.description == "Bring a map."
    assert [(i.title, i.kind, i.minutes) for i in later.agenda_items.all()] == [
        ("Review our open actions", "review_actions", 20),
        ("Live mapping", "activity", 40),
    ]
    assert list(later.agenda_items.get(kind="activity").aligned_outcomes.all()) == list(
        AgendaItem.objects.get(session=planned, kind="activity").aligned_outcomes.all()
    )
    assert list(later.facilitators.all()) == [world.facilitator]
    assert (series.rule, series.start_time, series.time_zone) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        time(18, 0),
        "Europe/London",
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_dated_title_gives_each_occurrence_its_own_date(world, planned):
    """A session planned from a "{date}" template is called "Retro, 4 Mar 2026": its series'
    later sessions are called by their own dates, not the first one's (audit finding), and
    the calendar names the whole series without a date."""
    Session.objects.filter(pk=planned.pk).update(title="Retro, 4 Mar 2026")
    planned.refresh_from_db()

    series = services.series_create(
        session=planned, user=world.facilitator, frequency=Frequency.WEEKLY, until=None, count=3
    )

    assert list(series.sessions.order_by("starts_at").values_list("title", flat=True)) == [
        "Retro, 4 Mar 2026",
        "Retro, 11 Mar 2026",
        "Retro, 18 Mar 2026",
    ]
    assert (series.title_pattern, series.calendar_title) == ("Retro, {date}", "Retro")
    ics = series_ics([series], include_online_link=False).decode()
    assert "SUMMARY:Retro · Riverside" in ics
    # A calendar shows each occurrence on its date under the series' name: none is an
    # edited occurrence just for its dated title.
    assert "RECURRENCE-ID" not in ics


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_title_without_its_own_date_is_every_occurrence_s_title(world, planned):
    series = services.series_create(
        session=planned, user=world.facilitator, frequency=Frequency.WEEKLY, until=None, count=2
    )

    assert series.title_pattern == ""
    assert set(series.sessions.values_list("title", flat=True)) == {planned.title}


def timezone_local(session):
    return session.starts_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_series_create_twice_makes_one_series(world, planned):
    first = services.series_create(
        session=planned, user=world.facilitator, frequency=Frequency.WEEKLY, until=None, count=3
    )
    second = services.series_create(
        session=planned, user=world.facilitator, frequency=Frequency.WEEKLY, until=None, count=3
    )

    assert first == second
    assert (Series.objects.count(), Session.objects.filter(series=first).count()) == (1, 3)
    assert services.series_extend(series=first) == []


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_draft_series_makes_occurrences_when_published(world, planned):
    planned.status = Session.Status.DRAFT
    planned.save()
    series = services.series_create(
        session=planned,
        user=world.facilitator,
        frequency=Frequency.WEEKLY,
        until=date(2026, 3, 25),
        count=None,
    )
    assert series.sessions.count() == 1

    services.session_publish(session=planned)

    assert series.sessions.filter(status="scheduled").count() == 4


@pytest.mark.django_db
def test_open_ended_series_rolls_six_months_ahead_by_beat(world, planned):
    with time_machine.travel(NOW, tick=False):
        series = services.series_create(
            session=planned,
            user=world.facilitator,
            frequency=Frequency.WEEKLY,
            until=None,
            count=None,
        )
        last = series.sessions.order_by("starts_at").last()
        assert series.sessions.count() == 26
        assert last.starts_at <= NOW + timedelta(days=183) < last.starts_at + timedelta(days=7)

    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        made = series_extend_scan()
        again = series_extend_scan()

    assert (made, again) == (4, 0)
    assert series.sessions.count() == 30
    assert {timezone_local(s)[-5:] for s in series.sessions.all()} == {"18:00"}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_series_of_a_session_at_a_skipped_time_is_refused_and_nothing_saved(world, planned):
    planned.starts_at = datetime(2026, 3, 22, 1, 30, tzinfo=LONDON)
    planned.save()

    with pytest.raises(RuleError):
        services.series_create(
            session=planned, user=world.facilitator, frequency=Frequency.WEEKLY, until=None, count=3
        )

    assert Series.objects.count() == 0
    planned.refresh_from_db()
    assert planned.series_id is None
