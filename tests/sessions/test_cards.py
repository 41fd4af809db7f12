"""Session cards (issue 14): a date block with the day, month and time in the viewer's own
timezone beside the title, and the viewer's answer ("You're going", "You might come", …)
on the sessions list, the community's home and the person's home."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import CommunityFactory, MembershipFactory, RSVPFactory, SessionFactory
from tests.html import text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# 20:30 UTC on 12 March is 05:30 on 13 March in Tokyo: the card says the viewer's day.
AT = datetime(2026, 3, 12, 20, 30, tzinfo=UTC)


def cards(page: str) -> list[str]:
    """Each session card's words, in order."""
    return [text(card) for card in re.findall(r'<li class="session-card">(.*?)</li>', page, re.S)]


@pytest.fixture
def tokyo_alice(cast):
    cast.alice.timezone = "Asia/Tokyo"
    cast.alice.save(update_fields=["timezone"])
    return cast.alice


@time_machine.travel(NOW, tick=False)
def test_the_sessions_list_shows_a_date_block_in_my_zone_and_my_answer(cast, tokyo_alice):
    going = SessionFactory(community=cast.riverside, title="Going one", starts_at=AT)
    maybe = SessionFactory(
        community=cast.riverside, title="Maybe one", starts_at=AT + timedelta(days=1)
    )
    SessionFactory(community=cast.riverside, title="Unanswered", starts_at=AT + timedelta(days=2))
    RSVPFactory(session=going, user=tokyo_alice, response="going")
    RSVPFactory(session=maybe, user=tokyo_alice, response="maybe")
    RSVPFactory(session=maybe, user=cast.bob, response="going")

    page = cast.client("alice").get("/c/riverside/sessions/").content.decode()

    assert cards(page) == [
        "Mar 13 05:30 Going one Friday 13 March, 05:30 · 1 going You're going",
        "Mar 14 05:30 Maybe one Saturday 14 March, 05:30 · 1 going You might come",
        "Mar 15 05:30 Unanswered Sunday 15 March, 05:30 · 0 going You haven't answered yet",
    ]
    assert '<time class="date-block" datetime="2026-03-13T05:30:00+09:00">' in page


@time_machine.travel(NOW, tick=False)
def test_a_refusal_reads_as_a_kind_sentence(cast):
    session = SessionFactory(community=cast.riverside, title="Busy day", starts_at=AT)
    RSVPFactory(session=session, user=cast.alice, response="not_going")

    page = cast.client("alice").get("/c/riverside/sessions/").content.decode()

    assert cards(page)[0].endswith("You can't make it")


@time_machine.travel(NOW, tick=False)
def test_someone_outside_sees_cards_with_no_answer_and_a_rounded_head_count(cast):
    session = SessionFactory(community=cast.riverside, title="Open day", starts_at=AT)
    RSVPFactory(session=session, user=cast.alice, response="going")

    page = cast.client("frank").get("/c/riverside/sessions/").content.decode()

    assert cards(page) == ["Mar 12 20:30 Open day Thursday 12 March, 20:30 · fewer than 5 going"]


@time_machine.travel(NOW, tick=False)
def test_the_community_home_shows_the_next_session_as_a_card_with_my_answer(cast, tokyo_alice):
    session = SessionFactory(community=cast.riverside, title="Next up", starts_at=AT)
    RSVPFactory(session=session, user=tokyo_alice, response="maybe")

    page = cast.client("alice").get("/c/riverside/").content.decode()

    assert cards(page) == ["Mar 13 05:30 Next up Friday 13 March, 05:30 You might come"]


@time_machine.travel(NOW, tick=False)
def test_my_home_shows_my_next_sessions_across_communities_with_my_answers(cast, tokyo_alice):
    other = CommunityFactory(name="Tidepool")
    MembershipFactory(community=other, user=tokyo_alice)
    mine = SessionFactory(community=cast.riverside, title="River walk", starts_at=AT)
    SessionFactory(community=other, title="Rock pools", starts_at=AT + timedelta(hours=1))
    RSVPFactory(session=mine, user=tokyo_alice, response="going")

    page = cast.client("alice").get("/").content.decode()

    assert cards(page) == [
        "Mar 13 05:30 River walk Friday 13 March, 05:30 · Riverside You're going",
        "Mar 13 06:30 Rock pools Friday 13 March, 06:30 · Tidepool You haven't answered yet",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_session_under_way_says_so_on_its_card(cast):
    SessionFactory(
        community=cast.riverside, title="Right now", starts_at=NOW - timedelta(minutes=20)
    )

    page = cast.client("alice").get("/c/riverside/sessions/").content.decode()

    assert "Happening now" in cards(page)[0]
