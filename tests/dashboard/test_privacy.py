"""The privacy floor in the dashboards, held against reading small groups off a table and
against differencing (issue 12, findings 2 and 6)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from communities.models import Membership
from copsite import privacy
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
F = Membership.Role.FACILITATOR


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 12, 15, 12), tick=False):
        yield


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_privacy_floor_hides_one_to_four_people_and_keeps_zero():
    assert [privacy.people_figure(n) for n in (0, 1, 4, 5)] == [0, None, None, 5]
    assert privacy.people_figure(12, people=3) is None
    assert privacy.average_figure(3.6, 4) is None
    assert privacy.average_figure(3.6, 5) == 3.6


def test_equity_table_hides_a_group_of_four_people_on_the_page_and_in_the_csv(client):
    community = CommunityFactory()
    for _ in range(3):
        MembershipFactory(community=community, joined_at=at(2025, 1, 1))
    facilitator = MembershipFactory(community=community, role=F, joined_at=at(2025, 1, 1)).user
    client.force_login(facilitator)
    url = f"/c/{community.slug}/dashboard/"

    page = client.get(url)
    table = rows(client.get(url + "?format=csv&chart=equity"))

    equity = next(c for c in page.context["picture"].charts if c.name == "equity")
    assert equity.columns[1] == "People"
    assert [row[1] for row in equity.display_rows()] == ["fewer than 5", "fewer than 5"]
    assert [row[1] for row in table[1:]] == ["<5", "<5"]
