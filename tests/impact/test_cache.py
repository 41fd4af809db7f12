"""The dashboards' short-lived cache of figures: served warm, stale until refresh or expiry,
switched off by its setting, keyed by period, never in front of the access check."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
import time_machine
from django.core.cache import cache

from communities.models import Community, Membership
from impact import snapshot
from impact.periods import Period
from reflections.models import Reflection
from tests.factories import CommunityFactory, MembershipFactory, ReflectionFactory

pytestmark = pytest.mark.django_db
F = Membership.Role.FACILITATOR
# 14:05 UTC on a Tuesday: the figures' time is shown in UTC, whatever the viewer's zone.
NOW = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)
FEB = "period=custom&start=2026-02-01&end=2026-02-28"
# A community dashboard's figures computed afresh: with nothing stored (the figures over
# whole months computed and stored too), and with those figures read from their rows.
COLD_FIRST = 28
COLD_STORED = 12
PORTFOLIO_COLD_FIRST = 13


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(riverside, hillside, alice, bob, erin, frank, member_of):
    """The cast (tests/people.py) by role, plus a facilitator of Hillside."""
    return {
        "community": riverside,
        "facilitator": bob,
        "member": alice,
        "non_member": frank,
        "other_facilitator": member_of(hillside, role=F),
        "leader": erin,
    }


def share_triple_loops(community, when=None):
    """Five members share a triple-loop reflection (five, so the cell is not hidden)."""
    for _ in range(5):
        ReflectionFactory(
            community=community,
            author=MembershipFactory(community=community).user,
            loop_level=Reflection.Loop.TRIPLE,
            visibility=Reflection.Visibility.COMMUNITY,
            created_at=when or NOW,
        )


def loops_now(client, slug, query=""):
    """This month's row of the loops export: single, double, triple, no level."""
    csv = client.get(f"/c/{slug}/dashboard/?format=csv&chart=loops&{query}").content.decode()
    return csv.splitlines()[-1].split(",", 1)[1]


def portfolio_shared(client, name):
    csv = client.get("/dashboard/?format=csv&chart=portfolio").content.decode()
    header, *rows = [line.split(",") for line in csv.splitlines()]
    row = next(r for r in rows if r[0] == name)
    return row[header.index("Shared reflections")]


def test_second_request_is_served_from_the_cache(client, cast, django_assert_num_queries):
    share_triple_loops(cast["community"])
    client.force_login(cast["facilitator"])
    url = f"/c/{cast['community'].slug}/dashboard/"

    # Cold, with no figures over whole months stored yet: those figures are computed
    # (mentoring pairs, peer review as a practice, "every voice", the session pulse,
    # members by level, outcome progress, the window's contributions) and stored in one
    # query; every count of the periods that rests on people is one query (`per_person`).
    with django_assert_num_queries(COLD_FIRST):
        cold = client.get(url)
    # Cold again (the cached figures expired): the figures over whole months are read
    # from their stored rows, one query, and only the period's figures are computed.
    snapshot.forget(snapshot.community_key(cast["community"].pk, Period.last(365)))
    with django_assert_num_queries(COLD_STORED):
        again = client.get(url)
    assert again.context["picture"].charts == cold.context["picture"].charts
    # Warm: the session, the person, the community and their membership (the access
    # check), the published stories; no figure is computed.
    with django_assert_num_queries(5):
        warm = client.get(url)

    assert cold.status_code == warm.status_code == 200
    assert "Riverside" in warm.content.decode()
    assert warm.context["picture"].charts == cold.context["picture"].charts


def test_portfolio_second_request_is_served_from_the_cache(client, cast, django_assert_num_queries):
    for _ in range(3):
        share_triple_loops(CommunityFactory())
    client.force_login(cast["leader"])

    # Cold, with nothing stored: the figures about people over whole months of every
    # community are computed (their contributions and mentoring pairs) and stored; the
    # period's counts that rest on people are one query, and one for the organisations
    # the leader leads (the picker).
    with django_assert_num_queries(PORTFOLIO_COLD_FIRST):
        cold = client.get("/dashboard/")
    with django_assert_num_queries(5):
        warm = client.get("/dashboard/")
    with django_assert_num_queries(4):
        report = client.get("/dashboard/report/")

    assert cold.status_code == warm.status_code == report.status_code == 200
    for response in (cold, warm, report):
        assert "Riverside" in response.content.decode()


def test_new_data_waits_for_refresh_now(client, cast):
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    assert loops_now(client, slug) == "0,0,0,0"

    share_triple_loops(cast["community"])

    assert loops_now(client, slug) == "0,0,0,0"
    response = client.post(f"/c/{slug}/dashboard/refresh/")
    assert response.status_code == 302
    assert response["Location"] == f"/c/{slug}/dashboard/"
    assert loops_now(client, slug) == "0,0,5,0"


def test_new_data_shows_once_the_figures_expire(client, cast, frozen, settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    assert loops_now(client, slug) == "0,0,0,0"
    share_triple_loops(cast["community"])

    frozen.shift(dt.timedelta(seconds=599))
    assert loops_now(client, slug) == "0,0,0,0"
    frozen.shift(dt.timedelta(seconds=2))
    assert loops_now(client, slug) == "0,0,5,0"


def test_zero_seconds_switches_the_cache_off(client, cast, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    assert loops_now(client, slug) == "0,0,0,0"

    share_triple_loops(cast["community"])

    assert loops_now(client, slug) == "0,0,5,0"
    page = client.get(f"/c/{slug}/dashboard/").content.decode()
    assert "Figures as of 14:05 UTC." in page
    assert "Refresh now" not in page
    assert cache.get(snapshot.community_key(cast["community"].pk, Period.last(365))) is None


def loops_drawn(page) -> str:
    """The loops chart's table as the page draws it, this month's row: its cells."""
    html = page.content.decode()
    figure = html[html.index('id="chart-loops-figure"') :]
    figure = figure[: figure.index("</figure>")]
    last_row = figure[figure.rindex("<tr>") : figure.rindex("</tr>")]
    return ",".join(cell.split(">")[1] for cell in last_row.split("<td")[1:]).replace("</td", "")


def test_the_drawn_charts_are_kept_with_their_figures(client, cast):
    """The charts are drawn once per figures computed: a warm page reads them back from the
    cache without drawing, and figures computed again ("Refresh now") are drawn again."""
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    url = f"/c/{slug}/dashboard/"

    first = client.get(url)
    share_triple_loops(cast["community"])
    warm = client.get(url)
    client.post(url + "refresh/")
    fresh = client.get(url)
    fresh_again = client.get(url)

    assert "charts" in first.context["picture"].__dict__  # drawn
    assert "charts" not in warm.context["picture"].__dict__  # read back, not drawn
    assert loops_drawn(first) == loops_drawn(warm) == "0,0,0,0"
    assert "charts" in fresh.context["picture"].__dict__
    assert loops_drawn(fresh) == loops_drawn(fresh_again) == "0,0,5,0"
    assert "charts" not in fresh_again.context["picture"].__dict__


def test_charts_are_drawn_every_time_without_the_cache(client, cast, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(cast["facilitator"])
    url = f"/c/{cast['community'].slug}/dashboard/"

    first = client.get(url)
    share_triple_loops(cast["community"])
    second = client.get(url)

    assert "charts" in second.context["picture"].__dict__
    assert (loops_drawn(first), loops_drawn(second)) == ("0,0,0,0", "0,0,5,0")


def test_kept_charts_follow_the_communitys_new_address(client, cast):
    """The charts' CSV links name the community's address: a renamed community's kept
    drawing is not served with the old one."""
    community = cast["community"]
    client.force_login(cast["facilitator"])
    client.get(f"/c/{community.slug}/dashboard/")
    Community.objects.filter(pk=community.pk).update(slug="riverside-renamed")

    page = client.get("/c/riverside-renamed/dashboard/").content.decode()

    assert "/c/riverside-renamed/dashboard/?" in page
    assert f"/c/{community.slug}/dashboard/?" not in page


def test_a_different_period_is_a_different_entry(client, cast):
    community = cast["community"]
    client.force_login(cast["facilitator"])
    assert loops_now(client, community.slug, FEB) == "0,0,0,0"

    share_triple_loops(community, when=dt.datetime(2026, 2, 10, tzinfo=dt.UTC))

    # February stays as it was computed; the first look at January–February computes anew.
    assert loops_now(client, community.slug, FEB) == "0,0,0,0"
    assert (
        loops_now(client, community.slug, "period=custom&start=2026-01-01&end=2026-02-28")
        == "0,0,5,0"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("non_member", 404), ("other_facilitator", 404), ("member", 404), ("leader", 200)],
)
def test_a_warm_cache_does_not_open_the_dashboard(client, cast, role, status):
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    assert client.get(f"/c/{slug}/dashboard/").status_code == 200
    client.force_login(cast[role])

    for url in (
        f"/c/{slug}/dashboard/",
        f"/c/{slug}/dashboard/report/",
        f"/c/{slug}/dashboard/?format=csv&chart=loops",
    ):
        assert client.get(url).status_code == status, url
    assert client.post(f"/c/{slug}/dashboard/refresh/").status_code == (
        302 if status == 200 else status
    )


@pytest.mark.parametrize(("role", "status"), [("facilitator", 404), ("non_member", 404)])
def test_a_warm_portfolio_stays_for_leaders(client, cast, role, status):
    client.force_login(cast["leader"])
    assert client.get("/dashboard/").status_code == 200
    client.force_login(cast[role])

    assert client.get("/dashboard/").status_code == status
    assert client.get("/dashboard/?format=csv&chart=portfolio").status_code == status
    assert client.post("/dashboard/refresh/").status_code == status


def test_page_report_and_csv_share_the_cached_figures(client, cast, frozen):
    community = cast["community"]
    slug = community.slug
    client.force_login(cast["facilitator"])
    page = client.get(f"/c/{slug}/dashboard/")
    share_triple_loops(community)
    frozen.shift(dt.timedelta(minutes=3))

    report = client.get(f"/c/{slug}/dashboard/report/")
    csv = client.get(f"/c/{slug}/dashboard/?format=csv&chart=loops")

    note = "Figures as of 14:05 UTC; they refresh every 10 minutes."
    assert note in page.content.decode()
    assert note in report.content.decode()
    assert report.context["pictures"][0].charts == page.context["picture"].charts
    assert csv.content.decode().splitlines()[-1] == "Mar 2026,0,0,0,0"
    assert csv["Content-Disposition"].endswith('-loops-as-of-2026-03-10T1405Z.csv"')
    assert csv["Last-Modified"] == "Tue, 10 Mar 2026 14:05:00 GMT"


def test_refresh_now_restamps_the_figures_and_keeps_the_period(client, cast, frozen):
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    client.get(f"/c/{slug}/dashboard/?{FEB}")
    frozen.shift(dt.timedelta(minutes=7))

    response = client.post(
        f"/c/{slug}/dashboard/refresh/",
        {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/c/{slug}/dashboard/?{FEB}", 302)]
    page = response.content.decode()
    assert "Fresh figures. Figures as of 14:12 UTC; they refresh every 10 minutes." in page
    assert '<button type="submit" class="secondary" aria-describedby="figures-as-of">' in page


def test_refresh_now_keeps_a_preset_period(client, cast):
    slug = cast["community"].slug
    client.force_login(cast["facilitator"])

    response = client.post(f"/c/{slug}/dashboard/refresh/", {"period": "30"})

    assert response["Location"] == f"/c/{slug}/dashboard/?period=30"


def test_refresh_now_is_a_post_with_a_csrf_token(client, cast):
    from django.test import Client

    slug = cast["community"].slug
    client.force_login(cast["facilitator"])
    assert client.get(f"/c/{slug}/dashboard/refresh/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast["facilitator"])

    assert strict.post(f"/c/{slug}/dashboard/refresh/").status_code == 403
    assert strict.post("/dashboard/refresh/").status_code == 403


def test_portfolio_waits_for_refresh_now_and_sees_new_communities_at_once(client, cast):
    community = cast["community"]
    client.force_login(cast["leader"])
    assert portfolio_shared(client, community.name) == "0"

    share_triple_loops(community)
    assert portfolio_shared(client, community.name) == "0"
    newcomer = CommunityFactory()
    share_triple_loops(newcomer)

    # A new community is a new set of communities: a new entry, computed now.
    assert portfolio_shared(client, newcomer.name) == "5"
    assert portfolio_shared(client, community.name) == "5"
    share_triple_loops(newcomer)
    assert portfolio_shared(client, newcomer.name) == "5"
    assert client.post("/dashboard/refresh/").status_code == 302
    assert portfolio_shared(client, newcomer.name) == "10"


def test_portfolio_page_and_report_say_when_figures_were_computed(client, cast):
    client.force_login(cast["leader"])
    note = "Figures as of 14:05 UTC; they refresh every 10 minutes."

    assert note in client.get("/dashboard/").content.decode()
    assert note in client.get("/dashboard/report/").content.decode()
    csv = client.get("/dashboard/?format=csv&chart=portfolio")
    assert csv["Content-Disposition"].endswith('-portfolio-as-of-2026-03-10T1405Z.csv"')


def test_the_cached_value_holds_nothing_about_the_viewer(client, cast):
    leader = cast["leader"]
    MembershipFactory(community=cast["community"], user=leader)
    client.force_login(leader)
    client.get(f"/c/{cast['community'].slug}/dashboard/")
    client.get("/dashboard/")

    period = Period.last(365)
    ids = Community.objects.filter(archived=False).values_list("pk", flat=True)
    entries = [
        cache.get(snapshot.community_key(cast["community"].pk, period)),
        cache.get(snapshot.portfolio_key(ids, period)),
    ]

    for entry in entries:
        assert isinstance(entry, snapshot.Snapshot)
        data = pickle.dumps(entry)
        assert b"the-leader@example.org" not in data
        assert leader.name.encode() not in data
        # No model instance at all (a user, a community with its viewer's membership).
        assert b"model_unpickle" not in data


def test_as_of_names_the_day_when_it_is_not_today(settings):
    settings.DASHBOARD_CACHE_SECONDS = 90
    earlier = dt.datetime(2026, 3, 9, 23, 59, tzinfo=dt.UTC)

    assert snapshot.as_of(earlier, now=NOW) == (
        "Figures as of 9 Mar 2026, 23:59 UTC; they refresh every 90 seconds."
    )
    settings.DASHBOARD_CACHE_SECONDS = 60
    assert snapshot.as_of(NOW, now=NOW) == "Figures as of 14:05 UTC; they refresh every minute."


def test_a_cache_outage_costs_speed_not_the_page(client, cast, settings):
    # A Redis nobody listens on (port 1): every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    share_triple_loops(cast["community"])
    client.force_login(cast["facilitator"])
    url = f"/c/{cast['community'].slug}/dashboard/"

    page = client.get(url)
    refreshed = client.post(url + "refresh/")

    assert page.status_code == 200
    assert page.context["picture"].charts
    assert refreshed.status_code == 302
