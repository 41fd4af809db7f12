"""The alignment map: outcome ↔ activity ↔ peer review, its kind gap flags and coverage."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from outcomes.models import Endorsement
from reviews.models import PeerReview
from reviews.selectors import alignment_coverage
from tests.factories import AgendaItemFactory, CommunityFactory, OutcomeFactory, SessionFactory

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
SUBMITTED, DRAFT, DECLINED = (
    PeerReview.Status.SUBMITTED,
    PeerReview.Status.DRAFT,
    PeerReview.Status.DECLINED,
)
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(riverside, alice, bob, member_of):
    """The cast (tests/people.py): alice the member, bob the facilitator, and three more
    members of Riverside who review each other's work."""
    return {
        "community": riverside,
        "member": alice,
        "facilitator": bob,
        "reviewers": [member_of(riverside) for _ in range(3)],
    }


def aligned(session, outcome, title="Map two projects"):
    item = AgendaItemFactory(session=session, title=title)
    item.aligned_outcomes.add(outcome)
    return item


@pytest.fixture
def mapped(world):
    """One outcome with a reviewed activity, an unreviewed held one and an upcoming one;
    one outcome with no activity; one activity aligned to nothing."""
    community, now = world["community"], timezone.now()
    served = OutcomeFactory(community=community, statement="map loops")
    OutcomeFactory(community=community, statement="facilitate mapping")
    reviewed = SessionFactory(community=community, title="Live mapping", starts_at=now - 9 * DAY)
    aligned(reviewed, served, "Map two projects")
    unreviewed = SessionFactory(community=community, title="Loop clinic", starts_at=now - 5 * DAY)
    aligned(unreviewed, served, "Find the loop")
    aligned(SessionFactory(community=community, title="Next time"), served, "Map a third")
    AgendaItemFactory(session=reviewed, title="Open chat")
    round_ = review_round(reviewed, [served])
    sam, ada, kit = world["reviewers"]
    work = shared_work(reviewed, sam)
    peer_review(round_, work, ada, SUBMITTED)
    peer_review(round_, work, kit, DRAFT)
    peer_review(round_, work, world["member"], DECLINED)
    return {"served": served, "round": round_, "unreviewed": unreviewed}


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/c/riverside/alignment/")
    assert response.status_code == 200
    return response.content.decode()


def test_alignment_map_shows_each_activity_with_its_review_rounds(client, world, mapped):
    html = page(client, world["facilitator"])

    round_url = reverse("reviews:round", kwargs={"slug": "riverside", "pk": mapped["round"].pk})
    outcome_url = reverse(
        "outcomes:outcome", kwargs={"slug": "riverside", "pk": mapped["served"].pk}
    )
    assert f'<a href="{outcome_url}">We want to be able to map loops</a>' in html
    assert "Live mapping</a> — Map two projects (20 min)" in html
    assert f'<a href="{round_url}">Review round</a> (open, due ' in html
    assert "1 of 2 reviews shared" in html


def test_alignment_map_offers_the_next_step_for_each_gap_to_facilitators(client, world, mapped):
    html = page(client, world["facilitator"])

    new_round = reverse(
        "reviews:round_new", kwargs={"slug": "riverside", "session_pk": mapped["unreviewed"].pk}
    )
    assert html.count("No one has looked at the work from this activity together yet") == 1
    assert f'<a href="{new_round}">open a review round?</a>' in html
    assert (
        'No activity is planned for this outcome yet — <a href="/c/riverside/sessions/new/">'
        in html
    )
    assert "Activities that serve no outcome yet" in html
    assert "Open chat" in html
    figure = "<strong>1 of 2</strong> agreed outcomes had both an activity held and a peer review"
    assert figure in html


def test_alignment_map_lists_a_round_on_a_session_with_no_activity_aligned_to_it(
    client, world, mapped
):
    community = world["community"]
    facilitate = community.outcomes.get(statement="facilitate mapping")
    session = SessionFactory(
        community=community, title="Open studio", starts_at=timezone.now() - 3 * DAY
    )
    round_ = review_round(session, [facilitate])
    peer_review(round_, shared_work(session, world["member"]), world["reviewers"][0], SUBMITTED)

    html = page(client, world["facilitator"])

    round_url = reverse("reviews:round", kwargs={"slug": "riverside", "pk": round_.pk})
    assert "Peer reviews on sessions with no activity aligned to it" in html
    assert f'<a href="{round_url}">Review round</a> on ' in html
    assert "Open studio</a> (open, due " in html
    # The outcome still has no activity: the gap stays, beside the review.
    assert "No activity is planned for this outcome yet" in html
    # The round already shown beside its aligned activity is not listed twice.
    assert html.count("Peer reviews on sessions with no activity aligned to it") == 1


def test_alignment_map_names_gaps_to_members_without_facilitator_links(client, world, mapped):
    html = page(client, world["member"])

    assert "No one has looked at the work from this activity together yet." in html
    assert "open a review round?" not in html
    assert "No activity is planned for this outcome yet." in html
    assert "/c/riverside/sessions/new/" not in html


def test_alignment_map_keeps_other_communities_rounds_and_people_out(
    client, world, mapped, member_of
):
    theirs = CommunityFactory(slug="theirs")
    outsider = member_of(theirs)
    session = SessionFactory(community=theirs, starts_at=timezone.now() - 3 * DAY)
    outcome = OutcomeFactory(community=theirs, statement="their secret outcome")
    aligned(session, outcome)
    review_round(session, [outcome])
    client.force_login(outsider)

    assert client.get("/c/riverside/alignment/").status_code == 404
    assert "their secret outcome" not in page(client, world["member"])


def test_alignment_map_without_agreed_outcomes_says_what_to_do_next(client, world):
    OutcomeFactory(community=world["community"], status="proposed")

    html = page(client, world["member"])

    assert "No outcome is agreed yet." in html
    assert 'id="coverage"' not in html


def test_alignment_coverage_needs_an_activity_and_a_review_in_the_window(world):
    community, now = world["community"], timezone.now()
    sam, ada, _ = world["reviewers"]
    both, activity_only, review_only, stale, drafted = (
        OutcomeFactory(community=community) for _ in range(5)
    )
    OutcomeFactory(community=community, status="proposed")
    recent = SessionFactory(community=community, starts_at=now - 10 * DAY)
    old = SessionFactory(community=community, starts_at=now - 120 * DAY)
    for outcome in (both, activity_only, stale, drafted):
        aligned(recent, outcome)
    work = shared_work(recent, sam)
    peer_review(
        review_round(recent, [both, review_only]), work, ada, SUBMITTED, submitted_at=now - DAY
    )
    old_work = shared_work(old, sam)
    peer_review(review_round(old, [stale]), old_work, ada, SUBMITTED, submitted_at=now - 100 * DAY)
    peer_review(review_round(old, [drafted]), shared_work(old, ada), sam, DRAFT)

    counts = alignment_coverage(community, now - 90 * DAY, now)

    assert counts == {
        "agreed": 5,
        "with_activity": 4,
        "with_review": 2,
        "with_both": 1,
        "coverage": 0.2,
    }


@pytest.mark.parametrize("n", [1, 12])
def test_alignment_map_has_bounded_queries(client, world, django_assert_num_queries, n):
    community, now = world["community"], timezone.now()
    sam, ada, kit = world["reviewers"]
    for i in range(n):
        outcome = OutcomeFactory(community=community)
        idle = OutcomeFactory(community=community)  # no activity, a round elsewhere
        elsewhere = SessionFactory(community=community, starts_at=now - (i + 3) * DAY)
        review_round(elsewhere, [idle])
        session = SessionFactory(community=community, starts_at=now - (i + 2) * DAY)
        aligned(session, outcome)
        aligned(SessionFactory(community=community, starts_at=now - (i + 1) * DAY), outcome)
        AgendaItemFactory(session=session, title="Open chat")
        round_ = review_round(session, [outcome])
        for author, reviewer in ((sam, ada), (ada, kit), (kit, sam)):
            peer_review(round_, shared_work(session, author), reviewer, SUBMITTED)
    client.force_login(world["member"])

    # 8 (was 9): the coverage figure is counted from the outcomes the map lists.
    with django_assert_num_queries(8):
        response = client.get("/c/riverside/alignment/")

    html = response.content.decode()
    assert response.status_code == 200

    assert html.count("3 of 3 reviews shared") == n
    assert html.count("No activity is planned for this outcome yet") == n
    assert html.count("Peer reviews on sessions with no activity aligned to it") == n


# Moved from tests/outcomes/test_outcomes.py with the alignment map.


def test_alignment_map_shows_activities_gaps_and_unaligned(client, world):
    served = OutcomeFactory(community=world["community"], statement="map loops")
    OutcomeFactory(community=world["community"], statement="facilitate mapping")
    session = SessionFactory(community=world["community"], title="Live mapping")
    AgendaItemFactory(session=session, title="Map two projects").aligned_outcomes.add(served)
    AgendaItemFactory(session=session, title="Open chat")
    client.force_login(world["facilitator"])

    page = client.get("/c/riverside/alignment/").content.decode()

    assert "Map two projects" in page
    assert "No activity is planned for this outcome yet" in page
    assert "Open chat" in page
    assert "/c/riverside/sessions/new/" in page


def test_alignment_coverage_counts_activities_in_the_window(world):
    now = timezone.now()
    served = OutcomeFactory(community=world["community"])
    OutcomeFactory(community=world["community"])
    old = SessionFactory(community=world["community"], starts_at=now - timedelta(days=200))
    AgendaItemFactory(session=old).aligned_outcomes.add(served)
    recent = SessionFactory(community=world["community"], starts_at=now - timedelta(days=3))
    AgendaItemFactory(session=recent).aligned_outcomes.add(served)

    window = alignment_coverage(world["community"], now - timedelta(days=90), now)
    before = alignment_coverage(
        world["community"], now - timedelta(days=365), now - timedelta(days=90)
    )

    assert (window["agreed"], window["with_activity"]) == (2, 1)
    assert before["with_activity"] == 1
    assert window["coverage"] == 0.0  # no review rounds exist yet


@pytest.mark.parametrize("n", [1, 15])
def test_alignment_map_with_endorsed_outcomes_has_bounded_queries(
    client, world, django_assert_num_queries, n
):
    for i in range(n):
        # The first is agreed, so the map has a row to show at n=1 as well.
        outcome = OutcomeFactory(community=world["community"], status=["agreed", "proposed"][i % 2])
        Endorsement.objects.create(outcome=outcome, user=world["member"])
        AgendaItemFactory(
            session=SessionFactory(community=world["community"])
        ).aligned_outcomes.add(outcome)
    client.force_login(world["member"])

    with django_assert_num_queries(8):
        response = client.get("/c/riverside/alignment/")

    assert response.status_code == 200
    first = world["community"].outcomes.filter(status="agreed").earliest("pk")
    assert escape(first.statement) in response.content.decode()


def test_aligned_activity_in_counts_only_held_sessions_started_in_the_window(world):
    from outcomes.models import Outcome
    from reviews.selectors import aligned_activity_in

    now, community = timezone.now(), world["community"]
    statuses = {
        "held": ("scheduled", now - 3 * DAY),
        "completed": ("completed", now - 3 * DAY),
        "cancelled": ("cancelled", now - 3 * DAY),
        "draft": ("draft", now - 3 * DAY),
        "ahead": ("scheduled", now + 3 * DAY),
        "long ago": ("completed", now - 200 * DAY),
    }
    for statement, (status, starts_at) in statuses.items():
        outcome = OutcomeFactory(community=community, statement=statement)
        aligned(SessionFactory(community=community, status=status, starts_at=starts_at), outcome)
    OutcomeFactory(community=community, statement="none")

    marked = Outcome.objects.filter(community=community).annotate(
        active=aligned_activity_in(now - 90 * DAY, now + 90 * DAY)
    )

    assert {o.statement for o in marked if o.active} == {"held", "completed"}


def test_alignment_map_says_which_window_its_figure_counts_and_lists_older_activities(
    client, world
):
    """The figure counts the last 90 days and says so with its date; the list below shows
    older activities too, and says it goes further back: the label matches what is listed."""
    outcome = OutcomeFactory(community=world["community"], statement="map our projects")
    old = SessionFactory(community=world["community"], starts_at=timezone.now() - 200 * DAY)
    aligned(old, outcome, title="Old mapping")

    html = page(client, world["member"])

    since = timezone.localtime(timezone.now() - 90 * DAY)
    assert f"In the last 90 days (since {since.day} {since:%b})" in html
    assert "0 of 1</strong> agreed outcome had both an activity held and a peer review" in html
    assert "The list below goes further back." in html
    assert "Old mapping" in html


def test_alignment_map_shows_each_outcomes_latest_activities_and_links_to_them_all(client, world):
    """The map shows each outcome's latest MAP_LATEST activities (so it costs the same
    however long the history), says the earlier ones are left out, and shows every one
    of an outcome asked for by ?outcome=. A round on a left-out activity's session is not
    mistaken for a review on a session with no activity aligned."""
    from reviews.selectors import MAP_LATEST

    community, now = world["community"], timezone.now()
    outcome = OutcomeFactory(community=community, statement="map loops")
    sessions = [
        SessionFactory(community=community, title=f"Clinic {i}", starts_at=now - (20 - i) * DAY)
        for i in range(MAP_LATEST + 2)
    ]
    for session in sessions:
        aligned(session, outcome, f"Activity of {session.title}")
    oldest_round = review_round(sessions[0], [outcome])

    html = page(client, world["member"])
    whole = client.get("/c/riverside/alignment/", {"outcome": outcome.pk}).content.decode()

    left_out = [s.title for s in sessions[:2]]
    shown = [s.title for s in sessions[2:]]
    assert all(f"{title}</a> — Activity of {title}" in html for title in shown)
    assert not any(f"{title}</a> — Activity of" in html for title in left_out)
    assert "Earlier activities and peer reviews for this outcome are left out here" in html
    assert f'<a href="?outcome={outcome.pk}#outcome-{outcome.pk}">show them all</a>' in html
    assert "Peer reviews on sessions with no activity aligned to it" not in html
    round_url = reverse("reviews:round", kwargs={"slug": "riverside", "pk": oldest_round.pk})
    assert round_url not in html
    # The whole list: every activity, the oldest with its round, and nothing left out.
    assert all(f"{s.title}</a> — Activity of {s.title}" in whole for s in sessions)
    assert round_url in whole
    assert "left out here" not in whole


def test_alignment_map_shows_the_latest_reviews_on_sessions_with_no_activity(client, world):
    from reviews.selectors import MAP_LATEST

    community, now = world["community"], timezone.now()
    outcome = OutcomeFactory(community=community, statement="facilitate mapping")
    rounds = [
        review_round(SessionFactory(community=community, starts_at=now - (i + 1) * DAY), [outcome])
        for i in range(MAP_LATEST + 1)
    ]

    html = page(client, world["member"])
    whole = client.get("/c/riverside/alignment/", {"outcome": outcome.pk}).content.decode()

    def listed(text):
        return [
            r.pk
            for r in rounds
            if reverse("reviews:round", kwargs={"slug": "riverside", "pk": r.pk}) in text
        ]

    newest_first = sorted(rounds, key=lambda r: (r.created_at, r.pk), reverse=True)
    assert listed(html) == sorted(r.pk for r in newest_first[:MAP_LATEST])
    assert "left out here" in html
    assert listed(whole) == sorted(r.pk for r in rounds)


@pytest.mark.parametrize("value", ["lots", "-1", "1.5", "²", "9" * 30, "0", "foreign"])
def test_alignment_map_shows_the_latest_for_a_tampered_outcome(client, world, mapped, value):
    if value == "foreign":
        value = OutcomeFactory(community=CommunityFactory()).pk
    client.force_login(world["member"])

    def shown(response):
        return [
            (
                row["outcome"].pk,
                [item.pk for item in row["items"]],
                [r.pk for r in row["other_rounds"]],
                row["cut"],
            )
            for row in response.context["rows"]
        ]

    plain = client.get("/c/riverside/alignment/")
    response = client.get("/c/riverside/alignment/", {"outcome": value})

    assert response.status_code == 200
    assert shown(response) == shown(plain)


def test_alignment_map_rows_speak_the_readers_language_and_escape_what_people_wrote(
    client, world, mapped
):
    """The rows are written in Python (reviews.templatetags.alignment_rows) with the
    template's own sentences: the catalogs translate them, and every title is escaped."""
    community = world["community"]
    mapped["unreviewed"].title = "<b>Loops & more</b>"
    mapped["unreviewed"].save()
    facilitate = community.outcomes.get(statement="facilitate mapping")
    studio = SessionFactory(
        community=community, title="Studio <i>ouvert</i>", starts_at=timezone.now() - 3 * DAY
    )
    review_round(studio, [facilitate])
    client.force_login(world["facilitator"])

    html = client.get("/c/riverside/alignment/", headers={"accept-language": "fr"}).content
    html = html.decode()

    assert "Live mapping</a> — Map two projects (20 min)" in html
    assert "Cycle de revue</a> (ouvert, attendu pour " in html
    assert ") : 1 sur 2 revues partagées" in html
    assert "&lt;b&gt;Loops &amp; more&lt;/b&gt;</a> — Find the loop" in html
    assert "<b>Loops" not in html
    assert "ouvrir un cycle de revue ?</a>" in html
    assert "Studio &lt;i&gt;ouvert&lt;/i&gt;</a> (ouvert, attendu pour " in html
    assert "Review round" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="arrays are PostgreSQL's")
def test_the_compiled_rounds_query_reads_what_the_built_one_reads(world, mapped, hillside):
    """`rounds_on_the_map` runs its query compiled once with the sessions' ids as one array
    (PostgreSQL): for any community and any sessions, the rows the queryset built afresh
    with an IN gives."""
    from reviews.selectors import _rounds_query, _rounds_rows

    community = world["community"]
    elsewhere = SessionFactory(community=community, starts_at=timezone.now() - 2 * DAY)
    review_round(elsewhere, [community.outcomes.get(statement="facilitate mapping")])
    theirs = SessionFactory(community=hillside, starts_at=timezone.now() - 2 * DAY)
    review_round(theirs, [OutcomeFactory(community=hillside, statement="their own")])

    def read(rows):
        return [
            (row.reviewround_id, row.outcome_id, row.elsewhere, row.done, row.expected)
            for row in rows
        ]

    sessions = [mapped["round"].session_id, mapped["unreviewed"].pk]
    facilitate = community.outcomes.get(statement="facilitate mapping").pk
    cases = [(community.pk, sessions), (community.pk, []), (hillside.pk, [theirs.pk])]
    for (cid, ids), latest, whole in itertools.product(cases, [None, 0], [-1, facilitate]):
        compiled = read(_rounds_rows.run(cid, ids, whole, any_of=True, latest=latest))
        assert compiled == read(_rounds_query(cid, ids, whole, any_of=False, latest=latest))
        assert compiled  # Something to compare: a round shown or one elsewhere.
