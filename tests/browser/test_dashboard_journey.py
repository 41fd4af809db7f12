from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from communities.models import Community

from .conftest import serious

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_follows_a_community_from_the_portfolio_to_its_printable_report(page, log_in):
    call_command("seed_demo", force=True)
    log_in("leader@example.com", "practice-together")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(
        page.get_by_role("heading", name="Every community you lead, side by side")
    ).to_be_visible()
    # The demo's second organisation is not the leader's: none of its communities shows.
    expect(page.get_by_text("Clinic Practice Exchange")).to_have_count(0)
    assert serious(page) == []
    page.get_by_role("link", name="Systems Mapping Practice").click()
    expect(
        page.get_by_role("heading", name="Systems Mapping Practice: impact dashboard")
    ).to_be_visible()

    page.get_by_label("Days to show").select_option("90")
    page.get_by_role("button", name="Show this period").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    loops = page.get_by_role("img", name="Shared reflections by loop level")
    expect(loops).to_be_visible()
    assert loops.locator("rect.chart-bar").count() > 0
    members = page.get_by_role("img", name="Members by level over time")
    assert members.locator("polyline.chart-line").count() > 0

    assert serious(page) == []

    # The figures say how old they are; the leader asks for fresh ones for the same period.
    expect(
        page.get_by_text(
            re.compile(r"^Figures as of \d\d:\d\d UTC; they refresh every 10 minutes\.$")
        )
    ).to_be_visible()
    page.get_by_role("button", name="Refresh now").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_text(re.compile(r"^Fresh figures\. Figures as of"))).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile("Shared reflections by loop level.*as CSV")
        ).click()
    download = download_info.value
    # The file's name says when its figures were computed.
    assert re.search(r"-loops-as-of-\d{4}-\d\d-\d\dT\d{4}Z\.csv$", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as csv_file:
        assert csv_file.readline().startswith("Month,single loop,double loop,triple loop")

    page.get_by_role("link", name="Printable report").click()
    expect(
        page.get_by_role("heading", name="Impact report: Systems Mapping Practice")
    ).to_be_visible()
    expect(page.get_by_text("Asking who is not on the map")).to_be_visible()
    report_loops = page.get_by_role("img", name="Shared reflections by loop level")
    assert report_loops.locator("rect.chart-bar").count() > 0
    assert serious(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_hidden()
    # Saved as a PDF, the community's report is one page to hand on.
    assert pdf_pages(page.pdf(format="A4")) == 1

    # The portfolio's report: one page per community.
    page.goto("/dashboard/report/")
    communities = page.locator("article.report-page").count()
    # Every community of the organisation the leader leads (not the demo's other one's).
    led = Community.objects.filter(organisation__is_default=True, archived=False)
    assert communities == led.count() > 1
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(format="A4")) == communities


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed: each page object is a `/Type /Page` dictionary."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_member_writes_and_publishes_an_impact_story(page, log_in):
    call_command("seed_demo", force=True)
    log_in("newcomer@example.com", "practice-together")

    page.get_by_role("link", name="Stories").click()
    expect(page.get_by_role("heading", name="Impact stories")).to_be_visible()
    page.get_by_role("link", name="Write a story").click()
    page.get_by_label("Title").fill("My first map")
    page.get_by_label("What happened").fill("I brought a messy map and left with a clear one.")
    page.get_by_label("What difference it made").fill("My team now starts with a map.")
    assert serious(page) == []
    page.get_by_role("button", name="Save the story").click()

    expect(page.get_by_role("heading", name="My first map")).to_be_visible()
    expect(page.get_by_text("draft: only you can see it")).to_be_visible()
    page.get_by_role("button", name="Publish to the community and leaders").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    expect(page.get_by_text("draft: only you can see it")).to_be_hidden()
    assert serious(page) == []


@pytest.mark.parametrize("path", ["/dashboard/", "/c/systems-mapping/dashboard/"])
def test_dashboards_fit_a_phone_screen(page, log_in, path):
    call_command("seed_demo", force=True)
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("leader@example.com", "practice-together")

    page.goto(path)

    chart = page.get_by_role("img").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 375
    # Nothing pushes the page sideways: wide tables scroll inside their own region.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert serious(page) == []
