"""No page of the main community scrolls sideways on a 390px phone (issue 14, acceptance):
wide tables scroll inside their own region, forms and lists wrap. Each page is opened as
the person who sees most of it (the coordinator, who is also a facilitator there)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from communities.models import Community
from outcomes.models import Outcome
from reflections.models import Reflection
from reviews.models import ReviewRound
from sessions.models import Session

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "members/",
    "me/",
    "journeys/",
    "invitations/",
    "requests/",
    "settings/",
    "sessions/",
    "sessions/new/",
    "outcomes/",
    "alignment/",
    "reviews/",
    "reflections/",
    "reflections/new/",
    "actions/",
    "dashboard/",
]


def test_no_community_page_scrolls_sideways_at_390px(page, log_in):
    call_command("seed_demo", force=True)
    community = Community.objects.get(slug="systems-mapping")
    base = f"/c/{community.slug}/"
    session = Session.objects.filter(community=community, status="completed").latest("starts_at")
    upcoming = Session.objects.filter(community=community, status="scheduled").earliest("starts_at")
    paths = [base + suffix for suffix in PAGES] + [
        session.get_absolute_url(),
        upcoming.get_absolute_url(),
        f"{base}outcomes/{Outcome.objects.filter(community=community).first().pk}/",
        Reflection.objects.filter(community=community, visibility="community")
        .first()
        .get_absolute_url(),
        f"{base}review-rounds/{ReviewRound.objects.filter(community=community).first().pk}/",
        "/",
        "/settings/",
        "/communities/",
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("coordinator@example.com", "practice-together")

    wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide[path] = overflow

    assert wide == {}


def test_the_header_folds_into_a_menu_on_a_phone(page, log_in):
    call_command("seed_demo", force=True)
    log_in("leader@example.com", "practice-together")
    menu = page.locator("summary", has_text="Menu")
    dashboard = page.get_by_role("link", name="Dashboard", exact=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    assert dashboard.is_visible() and not menu.is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    assert menu.is_visible() and not dashboard.is_visible()
    menu.click()
    dashboard.click()
    page.wait_for_url("**/dashboard/")


def test_a_dashboard_tables_headings_stay_short_on_a_phone(page, log_in):
    """A figure's table scrolls sideways in its own box on a phone rather than wrapping its
    column headings word by word: no heading row taller than a few lines (it had reached
    186px, seven lines, for "Authors who received all their reviews by the due date")."""
    call_command("seed_demo", force=True)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("facilitator@example.com", "practice-together")
    page.goto("/c/systems-mapping/dashboard/")

    heights = page.eval_on_selector_all(
        ".table-scroll .chart-table thead tr", "rows => rows.map(row => row.offsetHeight)"
    )

    assert len(heights) >= 8
    assert max(heights) <= 125
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
