"""The community navigation and the site header are built from the tabs each app registers
in its nav.py (core.plugins), so communities and base.html name no higher app's URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory

from communities.models import Membership
from core.plugins import NavTab, community_tabs, outcome_links, site_tabs
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
HIGHER_THAN_COMMUNITIES = ("outcomes:", "sessions:", "reviews:", "reflections:", "dashboard:")


def render_nav(community, membership, *, view_name=None) -> str:
    request = RequestFactory().get("/")
    request.resolver_match = type("Match", (), {"view_name": view_name})() if view_name else None
    context = {"community": community, "request": request}
    if membership is not ...:
        context["membership"] = membership
    return Template("{% load community_nav %}{% community_nav %}").render(Context(context))


def links(html: str) -> list[str]:
    return re.findall(r">([^<>]+)</a>", html)


def test_community_tabs_come_in_todays_order_from_every_app():
    assert [(tab.label, tab.url_name) for tab in community_tabs()] == [
        ("Community home", "communities:home"),
        ("Members", "communities:members"),
        ("Sessions", "sessions:list"),
        ("Outcomes", "outcomes:list"),
        ("Peer review", "reviews:reviews"),
        ("Reflections", "reflections:list"),
        ("Actions", "reflections:actions"),
        ("My journey", "communities:membership"),
        ("Journeys", "communities:journeys"),
        ("Mentoring", "communities:pairs"),
        ("Invitations", "communities:invitations"),
        ("Requests to join", "communities:requests"),
        ("Dashboard", "dashboard:community"),
        ("Flags", "reflections:flags"),
        ("Session templates", "sessions:templates"),
        ("Settings", "communities:settings"),
    ]
    roles = {tab.label: tab.role for tab in community_tabs()}
    assert roles["Dashboard"] == roles["Journeys"] == roles["Session templates"] == "facilitator"
    assert roles["Settings"] == "coordinator"
    assert roles["Sessions"] is None


def test_site_tabs_come_from_communities_and_impact():
    assert site_tabs() == [
        NavTab("Communities", "communities:directory", 10, None, ("communities:directory",)),
        NavTab("Dashboard", "dashboard:portfolio", 80, "leader", ("dashboard:portfolio",)),
        NavTab(
            "Organisations",
            "organisations:mine",
            85,
            "organisation",
            ("organisations:mine", "organisations:settings", "organisations:invitations"),
        ),
        NavTab("Stories", "dashboard:story_list", 90, None, ("dashboard:story_list",)),
    ]


def test_an_app_left_out_of_plugin_apps_contributes_no_tab(settings):
    settings.PLUGIN_APPS = ["communities", "outcomes"]

    assert "sessions:list" not in [tab.url_name for tab in community_tabs()]
    assert "outcomes:list" in [tab.url_name for tab in community_tabs()]


@pytest.mark.django_db
def test_a_non_member_sees_no_navigation(community):
    assert "community-nav" not in render_nav(community, None)


@pytest.mark.django_db
def test_a_member_sees_the_member_tabs_only(community):
    membership = MembershipFactory(community=community)

    html = render_nav(community, membership)

    assert links(html) == [
        "Community home", "Members", "Sessions", "Outcomes", "Peer review", "Reflections",
        "Actions", "My journey",
    ]  # fmt: skip
    assert f'href="/c/{community.slug}/sessions/"' in html


@pytest.mark.django_db
def test_a_facilitator_sees_the_facilitator_tabs_but_not_settings(community):
    membership = MembershipFactory(community=community, role=Membership.Role.FACILITATOR)

    html = render_nav(community, membership)

    assert links(html)[-7:] == [
        "Journeys", "Mentoring", "Invitations", "Requests to join", "Dashboard", "Flags",
        "Session templates",
    ]  # fmt: skip
    assert "Settings" not in links(html)
    assert f'href="/c/{community.slug}/dashboard/"' in html


@pytest.mark.django_db
def test_the_facilitators_tools_gather_under_one_facilitate_menu(community):
    """The row keeps everyone's tabs; the role tabs sit in one disclosure (no JavaScript)."""
    member = MembershipFactory(community=community)
    facilitator = MembershipFactory(community=community, role=Membership.Role.FACILITATOR)

    html = render_nav(community, facilitator, view_name="communities:journeys")
    row, menu = html.split("<details", 1)

    assert "Facilitate" not in render_nav(community, member)
    assert "<summary>Facilitate</summary>" in menu
    assert links(menu) == [
        "Journeys", "Mentoring", "Invitations", "Requests to join", "Dashboard", "Flags",
        "Session templates",
    ]  # fmt: skip
    assert "Journeys" not in links(row) and "Members" in links(row)
    assert menu.startswith(' class="current">')


@pytest.mark.django_db
def test_a_coordinator_sees_settings_last(community):
    membership = MembershipFactory(community=community, role=Membership.Role.COORDINATOR)

    assert links(render_nav(community, membership))[-1] == "Settings"


@pytest.mark.django_db
def test_the_current_page_is_marked_only_on_tabs_that_name_it(community):
    membership = MembershipFactory(community=community)

    on_outcomes = render_nav(community, membership, view_name="outcomes:list")
    on_sessions = render_nav(community, membership, view_name="sessions:list")

    assert re.findall(r'aria-current="page">([^<]+)<', on_outcomes) == ["Outcomes"]
    # The sessions tab has never been marked (its pages do not show this navigation).
    assert 'aria-current="page"' not in on_sessions


@pytest.mark.django_db
def test_only_the_views_membership_decides(community):
    member = MembershipFactory(community=community)
    facilitator = MembershipFactory(community=community, role=Membership.Role.FACILITATOR)

    assert "Journeys" not in render_nav(community, member)
    assert "Journeys" in render_nav(community, facilitator)
    # Nothing set on the community instance is read: no `membership` in the context, no nav.
    community.membership = facilitator
    assert "community-nav" not in render_nav(community, ...)
    assert "community-nav" not in render_nav(community, None)


@pytest.mark.django_db
def test_the_site_header_shows_the_portfolio_dashboard_to_leaders_only(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get("/").content.decode()
    assert 'href="/communities/"' in page
    assert 'href="/dashboard/"' not in page

    person.is_leader = True
    person.save()
    page = client.get("/").content.decode()
    assert 'href="/dashboard/"' in page
    assert page.index('href="/communities/"') < page.index('href="/dashboard/"')


def test_communities_templates_and_base_name_no_higher_apps_url():
    """Layering (issue 13): the navigation of the lower apps comes from the registry."""
    files = [*(ROOT / "templates" / "communities").rglob("*.html"), ROOT / "templates/base.html"]
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in HIGHER_THAN_COMMUNITIES
        if re.search(r"""\{%\s*url\s+['"]""" + name, path.read_text())
    ]
    assert offenders == []


def test_outcome_links_come_from_reflections_and_reviews_in_order():
    assert [(link.label, link.url_name, link.for_each_outcome) for link in outcome_links()] == [
        ("Reflect on this outcome", "reflections:new", True),
        ("Alignment map", "reviews:alignment", False),
    ]


@pytest.mark.django_db
def test_the_outcome_links_tag_carries_the_outcome_only_on_links_about_one(community):
    from tests.factories import OutcomeFactory

    outcome = OutcomeFactory(community=community)
    slug = community.slug

    def render(which):
        template = Template(
            "{% load outcome_links %}{% outcome_links community outcome which=which as links %}"
            "{% for link in links %}[{{ link.label }}|{{ link.href }}]{% endfor %}"
        )
        return template.render(
            Context({"community": community, "outcome": outcome, "which": which})
        )

    reflect = f"[Reflect on this outcome|/c/{slug}/reflections/new/?outcome={outcome.pk}]"
    alignment = f"[Alignment map|/c/{slug}/alignment/]"
    assert render("all") == reflect + alignment
    assert render("outcome") == reflect
    assert render("community") == alignment


def test_outcomes_own_templates_name_no_higher_apps_url():
    """outcomes' pages (list, detail, agree) link reflections and reviews through the registry."""
    higher = ("sessions:", "reviews:", "reflections:", "dashboard:")
    offenders = [
        f"{name} in {page}"
        for page in ("list.html", "detail.html", "agree.html")
        for name in higher
        if re.search(
            r"""\{%\s*url\s+['"]""" + name, (ROOT / "templates/outcomes" / page).read_text()
        )
    ]
    assert offenders == []
