"""The sessions pages pass axe-core's WCAG 2.x A/AA rules in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from communities.models import Membership
from sessions.models import Session
from tests.browser.conftest import AXE_OPTIONS
from tests.factories import (
    AgendaItemFactory,
    CommunityFactory,
    MembershipFactory,
    OutcomeFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
    **AXE_OPTIONS,
}


def test_sessions_pages_have_no_axe_violations(page, log_in):
    community = CommunityFactory(slug="maps", timezone="America/New_York")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.COORDINATOR)
    session = SessionFactory(community=community, online_url="https://meet.example.org/x")
    item = AgendaItemFactory(session=session)
    item.aligned_outcomes.add(OutcomeFactory(community=community))
    RSVPFactory(session=session, user=facilitator)
    held = SessionFactory(
        community=community,
        starts_at=timezone.now() - timedelta(hours=1),
        status=Session.Status.SCHEDULED,
    )
    log_in("femi@example.org")
    axe = Axe()
    paths = [
        "/",
        "/c/maps/sessions/",
        "/c/maps/sessions/new/",
        f"/c/maps/sessions/{session.pk}/",
        f"/c/maps/sessions/{session.pk}/edit/",
        f"/c/maps/sessions/{session.pk}/agenda/{item.pk}/edit/",
        f"/c/maps/sessions/{session.pk}/cancel/",
        f"/c/maps/sessions/{held.pk}/attendance/",
        "/c/maps/sessions/settings/",
    ]

    found = {}
    for path in paths:
        page.goto(path)
        results = axe.run(page, options=WCAG)
        assert results.response["passes"], f"axe checked nothing on {path}"
        violations = results.response["violations"]
        if violations:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

    assert found == {}
