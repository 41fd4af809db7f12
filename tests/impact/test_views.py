"""Dashboards, exports and reports: permissions × role, period input, privacy, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from communities.models import Membership, Organisation, OrganisationRole
from communities.organisations import grant
from reflections.models import Reflection
from sessions.models import Attendance
from tests.factories import (
    CommunityFactory,
    ImpactStoryFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
F, CO = Membership.Role.FACILITATOR, Membership.Role.COORDINATOR
ROLES = [
    "anonymous",
    "non_member",
    "member",
    "facilitator",
    "coordinator",
    "leader",
    "leader_member",
    "other_facilitator",
]


@pytest.fixture
def cast(riverside, hillside, alice, bob, carol, erin, frank, member_of):
    """The cast (tests/people.py) by role, plus a leader who is also a member and a
    facilitator of Hillside."""
    leader_member = member_of(riverside)
    grant(Organisation.objects.default(), leader_member, OrganisationRole.Role.LEADER)
    return {
        "community": riverside,
        "other": hillside,
        "anonymous": None,
        "non_member": frank,
        "member": alice,
        "facilitator": bob,
        "coordinator": carol,
        "leader": erin,
        "leader_member": leader_member,
        # A facilitator of one community looking at another's dashboard.
        "other_facilitator": member_of(hillside, role=F),
    }


def fetch(client, cast, role, url):
    if cast[role] is not None:
        client.force_login(cast[role])
    return client.get(url)


COMMUNITY_EXPECTED = {
    "anonymous": 302,
    "non_member": 404,
    "member": 404,
    "facilitator": 200,
    "coordinator": 200,
    "leader": 200,
    "leader_member": 200,
    "other_facilitator": 404,
}
LEADER_EXPECTED = {role: 404 for role in ROLES} | {
    "anonymous": 302,
    "leader": 200,
    "leader_member": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view_name", ["dashboard:community", "dashboard:community_report", "csv"])
def test_community_dashboard_permissions(client, cast, role, view_name):
    slug = cast["community"].slug
    if view_name == "csv":
        url = reverse("dashboard:community", args=[slug]) + "?format=csv&chart=loops"
    else:
        url = reverse(view_name, args=[slug])

    response = fetch(client, cast, role, url)

    assert response.status_code == COMMUNITY_EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/report/", "/dashboard/?format=csv&chart=portfolio"]
)
def test_portfolio_permissions(client, cast, role, url):
    response = fetch(client, cast, role, url)

    assert response.status_code == LEADER_EXPECTED[role]


def test_dashboard_of_an_unknown_community_is_404(client, cast):
    client.force_login(cast["leader"])

    assert client.get("/c/no-such-community/dashboard/").status_code == 404


def test_csv_of_an_unknown_chart_is_404(client, cast):
    client.force_login(cast["leader"])
    slug = cast["community"].slug

    assert client.get(f"/c/{slug}/dashboard/?format=csv&chart=nope").status_code == 404
    assert client.get("/dashboard/?format=csv&chart=nope").status_code == 404


def test_csv_export_writes_the_chart_table(client, cast):
    community = cast["community"]
    client.force_login(cast["facilitator"])

    response = client.get(
        f"/c/{community.slug}/dashboard/?period=custom&start=2026-01-01&end=2026-02-28"
        "&format=csv&chart=loops"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines() == [
        "Month,single loop,double loop,triple loop,no level yet",
        "Jan 2026,0,0,0,0",
        "Feb 2026,0,0,0,0",
    ]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ("start=2026-03-01&end=2026-02-01", "end", "“To” must be on or after “From”."),
        ("start=2019-01-01&end=2026-02-01", "end", "Choose a period of at most 5 years."),
        ("start=&end=2026-02-01", "start", "Choose the first day of the period."),
        ("start=2026-01-01&end=yesterday", "end", "Enter a valid date."),
        ("start=0001-01-01&end=0001-01-03", "start", "Choose a day from 1 January 2000 on."),
        ("start=2026-01-01&end=9999-12-31", "end", "Choose a day up to 31 December 2100."),
    ],
)
def test_bad_period_shows_a_field_error_never_a_500(client, cast, params, field, message):
    client.force_login(cast["leader"])

    for url in (f"/c/{cast['community'].slug}/dashboard/", "/dashboard/"):
        response = client.get(f"{url}?period=custom&{params}")

        assert response.status_code == 200
        assert response.context["form"].errors[field] == [message]
        assert "Please check the period below" in response.content.decode()


def test_chosen_period_shows_beside_the_previous_one(client, cast):
    client.force_login(cast["leader"])

    response = client.get(
        f"/c/{cast['community'].slug}/dashboard/?period=custom&start=2026-02-01&end=2026-02-28"
    )

    page = response.content.decode()
    assert "1 Feb 2026 – 28 Feb 2026" in page
    assert "4 Jan 2026 – 31 Jan 2026" in page
    for name in ("members", "sessions", "loops", "equity"):
        assert f'aria-labelledby="chart-{name}-title chart-{name}-desc"' in page


SECRETS = ("SECRET-PRIVATE-TEXT", "SECRET-FACILITATORS-TEXT")


@pytest.fixture
def secrets(cast):
    community = cast["community"]
    for visibility, text in zip(
        (Reflection.Visibility.PRIVATE, Reflection.Visibility.FACILITATORS), SECRETS, strict=True
    ):
        for _ in range(5):
            ReflectionFactory(
                community=community,
                author=MembershipFactory(community=community).user,
                loop_level=Reflection.Loop.TRIPLE,
                visibility=visibility,
                title=text,
                body=text,
            )
    return community


@pytest.mark.parametrize("role", ["facilitator", "leader"])
def test_no_page_or_export_reveals_private_or_facilitator_only_reflections(
    client, cast, secrets, role
):
    client.force_login(cast[role])
    slug = secrets.slug
    urls = [f"/c/{slug}/dashboard/", f"/c/{slug}/dashboard/report/", "/stories/"]
    urls += [f"/c/{slug}/dashboard/?format=csv&chart={name}" for name in CHARTS]
    if role == "leader":
        urls += ["/dashboard/", "/dashboard/report/", "/dashboard/?format=csv&chart=portfolio"]

    for url in urls:
        body = client.get(url).content.decode()
        assert not any(secret in body for secret in SECRETS), url

    # Neither the private nor the facilitator-only triple-loop reflections are counted, so
    # nobody can subtract what they can read from a total to find them.
    loops = client.get(f"/c/{slug}/dashboard/?format=csv&chart=loops").content.decode()
    assert loops.splitlines()[-1].endswith(",0,0,0,0")
    # Five shared with the whole community are.
    for _ in range(5):
        ReflectionFactory(
            community=secrets,
            author=MembershipFactory(community=secrets).user,
            loop_level=Reflection.Loop.TRIPLE,
            visibility=Reflection.Visibility.COMMUNITY,
        )
    client.post(f"/c/{slug}/dashboard/refresh/")
    loops = client.get(f"/c/{slug}/dashboard/?format=csv&chart=loops").content.decode()
    assert loops.splitlines()[-1].endswith(",0,0,5,0")


# Charts every community has; "stages" joins once a review chose a stage (its export is
# tested with the peer-review figures).
CHARTS = ["headline", "members", "movement", "sessions", "loops", "pulse", "equity"]


def test_every_chart_has_an_export(client, cast):
    client.force_login(cast["coordinator"])

    for name in CHARTS:
        response = client.get(f"/c/{cast['community'].slug}/dashboard/?format=csv&chart={name}")
        assert response.status_code == 200, name


def test_leaders_read_published_stories_on_the_dashboard_not_drafts(client, cast):
    community = cast["community"]
    ImpactStoryFactory(community=community, title="A published story")
    ImpactStoryFactory(community=community, title="A draft story", status="draft")
    client.force_login(cast["leader"])

    page = client.get(f"/c/{community.slug}/dashboard/").content.decode()

    assert "A published story" in page
    assert "A draft story" not in page


def busy_community(community, size):
    """`size` members, each with an attendance and a shared reflection last month."""
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    session = SessionFactory(community=community, starts_at=when)
    for _ in range(size):
        person = MembershipFactory(community=community, joined_at=when - dt.timedelta(days=60)).user
        Attendance.objects.create(session=session, user=person)
        ReflectionFactory(community=community, author=person, created_at=when, loop_level="double")
    ImpactStoryFactory.create_batch(size // 5 + 1, community=community)


@pytest.mark.parametrize(
    "page", ["dashboard/", "dashboard/report/", "dashboard/?format=csv&chart=loops"]
)
@pytest.mark.parametrize("size", [1, 30])
def test_community_dashboard_query_count_is_bounded(
    client, cast, django_assert_num_queries, size, page
):
    busy_community(cast["community"], size)
    client.force_login(cast["facilitator"])

    # With nothing stored yet: the figures over whole months are computed (mentoring
    # pairs, peer review as a practice, "every voice", the session pulse, members by
    # level, outcome progress, the window's contributions) and stored in one query; the
    # period's counts that rest on people are one query (`per_person`).
    with django_assert_num_queries(28):
        response = client.get(f"/c/{cast['community'].slug}/{page}")

    assert response.status_code == 200
    # Every page names the community, the CSV in its file name.
    assert "riverside" in (response.content.decode() + str(response.headers)).lower()


@pytest.mark.parametrize("communities", [1, 8])
def test_portfolio_query_count_is_independent_of_communities(
    client, cast, django_assert_num_queries, communities
):
    for _ in range(communities):
        busy_community(CommunityFactory(), 6)
    client.force_login(cast["leader"])

    # The contributions are one query, not four.
    with django_assert_num_queries(13):
        page = client.get("/dashboard/")
    # The report reads the figures the page has just cached.
    with django_assert_num_queries(4):
        report = client.get("/dashboard/report/")

    assert page.status_code == report.status_code == 200
    for html in (page.content.decode(), report.content.decode()):
        assert escape(cast["community"].name) in html


def test_portfolio_links_every_community_to_its_dashboard(client, cast):
    client.force_login(cast["leader"])

    page = client.get("/dashboard/").content.decode()

    for community in (cast["community"], cast["other"]):
        assert reverse("dashboard:community", args=[community.slug]) in page


def test_dashboard_nav_link_only_for_leaders(client, cast):
    client.force_login(cast["coordinator"])
    assert 'href="/dashboard/"' not in client.get("/").content.decode()

    client.force_login(cast["leader"])
    assert 'href="/dashboard/"' in client.get("/").content.decode()


def test_facilitators_find_the_dashboard_in_the_community_nav(client, cast):
    slug = cast["community"].slug
    client.force_login(cast["member"])
    assert f"/c/{slug}/dashboard/" not in client.get(f"/c/{slug}/").content.decode()

    client.force_login(cast["facilitator"])
    assert f'href="/c/{slug}/dashboard/"' in client.get(f"/c/{slug}/").content.decode()
