"""Planning a series, its page, and RSVPs to a whole series (with per-session overrides)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions import services
from sessions.models import RSVP, Series, SeriesRSVP, Session
from sessions.recurrence import Frequency
from sessions.selectors import responses_for
from sessions.views import UPCOMING_PAGE
from tests.factories import MembershipFactory, RSVPFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TOKEN = re.compile(r'name="submission_token" value="([\w-]+)"')


def plan_data(**overrides):
    data = {
        "title": "Wednesday chats",
        "description": "",
        "starts_local": "2026-03-18T18:00",
        "duration_minutes": "60",
        "location": "",
        "online_url": "",
        "repeat": "2weeks",
        "ends": "after",
        "count": "4",
    }
    data.update(overrides)
    return data


def new_url(community):
    return reverse("sessions:new", kwargs={"slug": community.slug})


def series_url(series):
    return reverse("sessions:series", kwargs={"slug": series.community.slug, "pk": series.pk})


def make_series(world, count=4, frequency=Frequency.FORTNIGHTLY, starts=None):
    session = SessionFactory(
        community=world.community,
        title="Wednesday chats",
        starts_at=starts or datetime(2026, 3, 18, 18, 0, tzinfo=UTC),
    )
    session.facilitators.add(world.facilitator)
    return services.series_create(
        session=session, user=world.facilitator, frequency=frequency, until=None, count=count
    )


# --- planning ---------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_plan_a_series_from_the_start_then_publish_makes_every_session(client, world):
    client.force_login(world.facilitator)

    response = client.post(new_url(world.community), plan_data())
    first = Session.objects.get(title="Wednesday chats")
    series = first.series
    publish = reverse("sessions:publish", kwargs={"slug": "riverside", "pk": first.pk})
    client.post(publish)

    assert response.status_code == 302
    assert (series.rule, series.count, series.is_live) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        4,
        False,
    )
    series.refresh_from_db()
    london = [
        s.starts_at.astimezone(world.community.zoneinfo).strftime("%d %b %H:%M")
        for s in series.sessions.order_by("starts_at")
    ]
    assert london == ["18 Mar 18:00", "01 Apr 18:00", "15 Apr 18:00", "29 Apr 18:00"]
    assert series.is_live


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"ends": "on", "until": "2026-03-10"}, "until", "before it starts"),
        ({"ends": "after", "count": "201"}, "count", "200"),
        ({"ends": "on", "until": "2031-03-10", "repeat": "weekly"}, "until", "more than 200"),
        ({"ends": "on", "until": ""}, "until", "last date"),
        ({"repeat": "yearly"}, "repeat", "valid choice"),
        ({"starts_local": "2026-03-22T01:30", "repeat": "weekly"}, "starts_local", "29 March 2026"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_rules_are_field_errors_keeping_what_was_typed(client, world, overrides, field, words):
    client.force_login(world.facilitator)

    response = client.post(new_url(world.community), plan_data(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert words in " ".join(errors[field])
    assert 'value="Wednesday chats"' in response.content.decode()
    assert (Session.objects.filter(title="Wednesday chats").count(), Series.objects.count()) == (
        0,
        0,
    )


@time_machine.travel(NOW, tick=False)
def test_spring_forward_error_offers_the_next_valid_time(client, world):
    client.force_login(world.facilitator)

    response = client.post(
        new_url(world.community), plan_data(starts_local="2026-03-22T01:30", repeat="weekly")
    )

    assert "02:30" in " ".join(response.context["form"].errors["starts_local"])


@time_machine.travel(NOW, tick=False)
def test_double_submit_of_a_planned_series_makes_one(client, world):
    client.force_login(world.facilitator)
    token = TOKEN.search(client.get(new_url(world.community)).content.decode()).group(1)

    first = client.post(new_url(world.community), plan_data(submission_token=token))
    second = client.post(new_url(world.community), plan_data(submission_token=token))

    assert first["Location"] == second["Location"]
    assert (Series.objects.count(), Session.objects.filter(title="Wednesday chats").count()) == (
        1,
        1,
    )


@time_machine.travel(NOW, tick=False)
def test_turn_a_session_into_a_series_once(client, world):
    client.force_login(world.facilitator)
    url = reverse("sessions:repeat", kwargs={"slug": "riverside", "pk": world.session.pk})
    data = {"repeat": "weekly", "ends": "after", "count": "3"}

    first = client.post(url, data)
    second = client.post(url, data)

    series = Series.objects.get()
    assert first["Location"] == second["Location"] == series_url(series)
    assert series.sessions.count() == 3


@time_machine.travel(NOW, tick=False)
def test_turn_into_series_bad_count_keeps_input(client, world):
    client.force_login(world.facilitator)
    url = reverse("sessions:repeat", kwargs={"slug": "riverside", "pk": world.session.pk})

    response = client.post(url, {"repeat": "weekly", "ends": "after", "count": "0"})

    assert response.status_code == 200
    assert "1 to 200" in " ".join(response.context["form"].errors["count"])
    assert 'value="0"' in response.content.decode()
    assert Series.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "other_member", "outsider"])
@time_machine.travel(NOW, tick=False)
def test_turn_into_series_is_404_for_non_facilitators_and_other_communities(client, world, who):
    client.force_login(world.user(who))
    mine = reverse("sessions:repeat", kwargs={"slug": "riverside", "pk": world.session.pk})
    theirs = reverse("sessions:repeat", kwargs={"slug": "riverside", "pk": world.other_session.pk})

    assert client.post(mine, {"repeat": "weekly", "ends": "after", "count": "3"}).status_code == 404
    client.force_login(world.facilitator)
    assert (
        client.post(theirs, {"repeat": "weekly", "ends": "after", "count": "3"}).status_code == 404
    )
    assert Series.objects.count() == 0


# --- the series page --------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_series_page_lists_occurrences_in_local_time(client, world):
    series = make_series(world)
    client.force_login(world.member)

    response = client.get(series_url(series))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Every 2 weeks on Wednesday, 18:00 (Europe/London), 4 sessions." in body
    assert body.count('class="when"') == 4
    second = series.sessions.order_by("starts_at")[1]
    local = second.starts_at.astimezone(world.member.zoneinfo)
    assert f"{local:%A %-d %B %Y, %H:%M}" in body


@time_machine.travel(NOW, tick=False)
def test_series_page_through_another_community_is_404(client, world):
    series = make_series(world)
    client.force_login(world.other_member)

    assert client.get(f"/c/hillside/series/{series.pk}/").status_code == 404
    # Riverside is open, so its pages are open to every signed-in person; only members
    # are offered the RSVP.
    assert "to all" not in client.get(series_url(series)).content.decode()


@time_machine.travel(NOW, tick=False)
def test_unpublished_series_is_404_for_members(client, world):
    world.session.status = Session.Status.DRAFT
    world.session.starts_at = datetime(2026, 3, 18, 18, 0, tzinfo=UTC)
    world.session.save()
    series = services.series_create(
        session=world.session, user=world.facilitator, frequency="weekly", until=None, count=3
    )
    client.force_login(world.member)
    assert client.get(series_url(series)).status_code == 404
    client.force_login(world.facilitator)
    assert client.get(series_url(series)).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@time_machine.travel(NOW, tick=False)
def test_series_page_costs_the_same_at_one_and_fifty(
    client, world, rows, django_assert_num_queries
):
    series = make_series(world, count=rows, frequency="weekly")
    client.force_login(world.member)

    with django_assert_num_queries(8):
        response = client.get(series_url(series))

    assert response.status_code == 200
    assert response.content.decode().count('class="when"') == rows


@pytest.mark.parametrize("rows", [1, 50])
@time_machine.travel(NOW, tick=False)
def test_sessions_list_with_a_series_costs_the_same(client, world, rows, django_assert_num_queries):
    world.session.delete()
    series = make_series(world, count=rows, frequency="weekly")
    SeriesRSVP.objects.create(series=series, user=world.member, response="going")
    client.force_login(world.member)

    with django_assert_num_queries(7):
        response = client.get(reverse("sessions:list", kwargs={"slug": "riverside"}))

    body = response.content.decode()
    shown = min(rows, UPCOMING_PAGE)  # the rest behind "Later sessions"
    assert response.status_code == 200
    assert body.count("Part of <a") == shown
    assert body.count("1 going") == shown
    assert body.count("You&#x27;re going") == shown


@time_machine.travel(NOW, tick=False)
def test_upcoming_sessions_page_on_to_later_ones_and_back(client, world):
    """No upcoming session is silently left off: past the first page, "Later sessions"
    shows the next ones, soonest first, and "Sooner sessions" goes back; a tampered or
    foreign id shows the first page."""
    world.session.delete()
    series = make_series(world, count=UPCOMING_PAGE + 5, frequency="weekly")
    soonest_first = list(series.sessions.order_by("starts_at").values_list("pk", flat=True))
    client.force_login(world.member)
    url = reverse("sessions:list", kwargs={"slug": "riverside"})

    def shown(response) -> list[int]:
        """The sessions the upcoming list links to, in its order."""
        upcoming = (
            response.content.decode().split('id="upcoming-heading"')[1].split("</section>")[0]
        )
        return list(dict.fromkeys(int(pk) for pk in re.findall(r"/sessions/(\d+)/", upcoming)))

    first = client.get(url)
    later_link = re.search(r'href="\?later=(\d+)#upcoming-heading"', first.content.decode())
    later = client.get(f"{url}?later={later_link[1]}")
    sooner_link = re.search(r'href="\?sooner=(\d+)#upcoming-heading"', later.content.decode())
    back = client.get(f"{url}?sooner={sooner_link[1]}")
    tampered = client.get(f"{url}?later=99999999&sooner=x")

    assert shown(first) == soonest_first[:UPCOMING_PAGE]
    assert shown(later) == soonest_first[UPCOMING_PAGE:]
    assert "Later sessions" in first.content.decode()
    assert "Sooner sessions" not in first.content.decode()
    assert "Later sessions" not in later.content.decode()
    assert shown(back) == shown(first) == shown(tampered)


# --- RSVP to a series --------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_going_to_all_from_an_occurrence_counts_everywhere_and_one_can_say_not_this_one(
    client, world
):
    series = make_series(world)
    first, second, *_ = series.sessions.order_by("starts_at")
    client.force_login(world.member)

    response = client.post(
        reverse("sessions:series_rsvp", kwargs={"slug": "riverside", "pk": series.pk}),
        {"response": "going", "session": second.pk},
    )
    client.post(
        reverse("sessions:rsvp", kwargs={"slug": "riverside", "pk": first.pk}),
        {"response": "not_going"},
    )

    assert response["Location"] == second.get_absolute_url()
    assert SeriesRSVP.objects.get().response == "going"
    page = client.get(second.get_absolute_url())
    assert [u.pk for u in page.context["going"]] == [world.member.pk]
    assert page.context["my_rsvp"] == "going" and page.context["my_rsvp_by_series"]
    assert client.get(first.get_absolute_url()).context["going"] == []


@time_machine.travel(NOW, tick=False)
def test_later_made_sessions_follow_the_series_answer(world):
    series = make_series(world, count=None)  # open-ended
    services.series_rsvp_set(series=series, user=world.member, response="maybe")

    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        made = services.series_extend(series=series)

    assert made
    assert responses_for(made[-1]) == {world.member.pk: "maybe"}


def test_series_rsvp_tampered_series_or_session_is_404(client, world):
    with time_machine.travel(NOW, tick=False):
        series = make_series(world)
        client.force_login(world.other_member)
        url = reverse("sessions:series_rsvp", kwargs={"slug": "riverside", "pk": series.pk})
        assert client.post(url, {"response": "going"}).status_code == 404
        client.force_login(world.member)
        other = {"response": "going", "session": world.other_session.pk}
        assert client.post(url, other).status_code == 404
        bad = client.post(url, {"response": "sometimes"})
        assert bad.status_code == 302
    assert SeriesRSVP.objects.count() == 0


def test_reminders_follow_the_series_answer_exactly_once_per_occurrence(world, settings):
    with time_machine.travel(NOW, tick=False):
        series = make_series(world, count=3, frequency="weekly")
    first, second, third = series.sessions.order_by("starts_at")
    services.series_rsvp_set(series=series, user=world.member, response="going")
    other = UserFactory()
    MembershipFactory(community=world.community, user=other)
    RSVPFactory(session=second, user=other, response="going")
    RSVPFactory(session=second, user=world.member, response="not_going")  # not this one

    def scan(at):
        with time_machine.travel(at, tick=False):
            return services.reminders_send_due()

    counts = [
        scan(first.starts_at - timedelta(hours=20)),
        scan(first.starts_at - timedelta(hours=19)),
        scan(second.starts_at - timedelta(hours=20)),
        scan(third.starts_at - timedelta(minutes=30)),
        scan(third.starts_at - timedelta(minutes=25)),
    ]

    assert counts == [1, 0, 1, 1, 0]
    from accounts.models import EmailDelivery

    keys = sorted(
        EmailDelivery.objects.filter(key__startswith="reminder:").values_list("key", flat=True)
    )
    assert [key.split(":")[1:4] for key in keys] == [
        ["1h", str(third.pk), str(world.member.pk)],
        ["24h", str(first.pk), str(world.member.pk)],
        ["24h", str(second.pk), str(other.pk)],
    ]


def test_attendance_start_list_counts_the_series_answer(client, world):
    with time_machine.travel(NOW, tick=False):
        series = make_series(world, count=2)
    first = series.sessions.order_by("starts_at").first()
    services.series_rsvp_set(series=series, user=world.member, response="going")
    client.force_login(world.facilitator)

    with time_machine.travel(first.starts_at + timedelta(minutes=5), tick=False):
        page = client.get(
            reverse("sessions:attendance", kwargs={"slug": "riverside", "pk": first.pk})
        )

    assert [row["user"].pk for row in page.context["rsvped"]] == [world.member.pk]
    assert RSVP.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_moved_session_still_follows_the_series_answer(world):
    series = make_series(world)
    services.series_rsvp_set(series=series, user=world.member, response="going")
    moved = series.sessions.order_by("starts_at")[2]

    services.session_update(
        session=moved,
        user=world.facilitator,
        data={
            "title": moved.title,
            "description": "",
            "starts_at": moved.starts_at + timedelta(days=2),
            "duration_minutes": moved.duration_minutes,
            "location": "",
            "online_url": "",
        },
        version=moved.version,
    )

    moved.refresh_from_db()
    assert moved.starts_at != moved.recurrence_id
    assert responses_for(moved) == {world.member.pk: "going"}
