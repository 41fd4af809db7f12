"""Every list page and htmx fragment costs the same number of queries at one row and at
many (README, Tests): each case below is fetched at 1 and at 12 rows with an exact
`django_assert_num_queries`, and asserts the status and a row's text, so a redirect or an
empty page cannot pass. People come from the cast (tests/people.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from communities.models import Membership
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommunityFactory,
    ConfidenceRatingFactory,
    ImpactStoryFactory,
    InvitationFactory,
    JourneyStepFactory,
    MembershipFactory,
    OutcomeFactory,
    PeerReviewFactory,
    ReflectionFactory,
    ReviewRoundFactory,
    RSVPFactory,
    SessionFactory,
    SharedWorkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# The home page's actions panel is one UNION, or two queries where the database cuts no
# part of a UNION (SQLite, the embedded default: reflections.panels.home_panel).
ACTIONS_SPLIT = 0 if connection.features.supports_slicing_ordering_in_compound else 1


def person(n, name="Rower"):
    return UserFactory(display_name=f"{name} {n:02d}")


def members(cast, rows, **kw):
    return [
        MembershipFactory(community=cast.riverside, user=person(i), **kw).user for i in range(rows)
    ]


def past_session(cast, **kw):
    return SessionFactory(
        community=cast.riverside,
        starts_at=timezone.now() - timedelta(days=2),
        status="completed",
        **kw,
    )


# Each case: seed(cast, rows) → (viewer, url, extra headers, text every page shows[, POST
# data]); an htmx fragment that answers a POST is fetched with its form's data.
def directory(cast, rows):
    for i in range(rows):
        CommunityFactory(name=f"Circle {i:02d}")
    return "frank", "/communities/", {}, "Circle 00"


def directory_fragment(cast, rows):
    return (*directory(cast, rows)[:2], HTMX, "Circle 00")


def community_home(cast, rows):
    for i in range(rows):
        SessionFactory(community=cast.riverside, title=f"Gathering {i:02d}")
    members(cast, rows)
    return "alice", "/c/riverside/", {}, "Gathering 00"


def members_page(cast, rows):
    members(cast, rows)
    return "alice", "/c/riverside/members/", {}, "Rower 00"


def members_for_facilitator(cast, rows):
    members(cast, rows)
    return "bob", "/c/riverside/members/", {}, "Rower 00"


def members_fragment(cast, rows):
    members(cast, rows)
    return "alice", "/c/riverside/members/", HTMX, "Rower 00"


def join_requests(cast, rows):
    members(cast, rows, status=Membership.Status.REQUESTED)
    return "carol", "/c/riverside/requests/", {}, "Rower 00"


def invitations(cast, rows):
    for i in range(rows):
        InvitationFactory(community=cast.riverside, email=f"guest{i:02d}@example.org")
    return "carol", "/c/riverside/invitations/", {}, "guest00@example.org"


def journeys(cast, rows):
    for user in members(cast, rows):
        JourneyStepFactory(membership=user.memberships.get())
    return "carol", "/c/riverside/journeys/", {}, "Rower 00"


def journeys_fragment(cast, rows):
    return (*journeys(cast, rows)[:2], HTMX, "Rower 00")


def my_membership(cast, rows):
    membership = cast.alice.memberships.get()
    for _ in range(rows):
        JourneyStepFactory(membership=membership)
    return "alice", "/c/riverside/me/", {}, "Riverside"


def session_list(cast, rows):
    for i in range(rows):
        SessionFactory(community=cast.riverside, title=f"Gathering {i:02d}")
        past_session(cast, title=f"Gone {i:02d}")
    return "alice", "/c/riverside/sessions/", {}, "Gathering 00"


def session_list_answered(cast, rows):
    """Every card says the viewer's answer: read with the list, never one query a card."""
    for i in range(rows):
        session = SessionFactory(community=cast.riverside, title=f"Gathering {i:02d}")
        RSVPFactory(session=session, user=cast.alice, response=("going", "maybe")[i % 2])
    return "alice", "/c/riverside/sessions/", {}, "You&#x27;re going"


def session_detail(cast, rows):
    session = SessionFactory(community=cast.riverside, title="Causal loops")
    session.facilitators.add(cast.bob)
    for user in members(cast, rows):
        RSVPFactory(session=session, user=user)
    return "bob", f"/c/riverside/sessions/{session.pk}/", {}, "Rower 00"


def session_detail_agenda(cast, rows):
    """Each agenda item serves an agreed outcome of its own: read with the agenda."""
    session = SessionFactory(community=cast.riverside, title="Causal loops")
    session.facilitators.add(cast.bob)
    for i in range(rows):
        item = AgendaItemFactory(session=session, title=f"Activity {i:02d}", position=i)
        outcome = OutcomeFactory(community=cast.riverside, statement=f"loop thinking {i:02d}")
        item.aligned_outcomes.add(outcome)
    return "bob", f"/c/riverside/sessions/{session.pk}/", {}, "loop thinking 00"


def session_detail_after(cast, rows):
    session = past_session(cast, title="Causal loops")
    session.facilitators.add(cast.bob)
    for user in members(cast, rows):
        AttendanceFactory(session=session, user=user)
    return "bob", f"/c/riverside/sessions/{session.pk}/", {}, "Rower 00"


def session_rsvp_fragment(cast, rows):
    session = SessionFactory(community=cast.riverside, title="Causal loops")
    for user in members(cast, rows):
        RSVPFactory(session=session, user=user)
    url = f"/c/riverside/sessions/{session.pk}/rsvp/"
    return "alice", url, HTMX, "Rower 00", {"response": "going"}


def session_attendance(cast, rows):
    session = SessionFactory(
        community=cast.riverside, title="Causal loops", starts_at=timezone.now()
    )
    session.facilitators.add(cast.bob)
    for user in members(cast, rows):
        RSVPFactory(session=session, user=user)
        AttendanceFactory(session=session, user=user)
    return "bob", f"/c/riverside/sessions/{session.pk}/attendance/", {}, "Rower 00"


def session_planner(cast, rows):
    session = SessionFactory(community=cast.riverside, title="Causal loops")
    session.facilitators.add(cast.bob)
    for i in range(rows):
        AgendaItemFactory(session=session, title=f"Activity {i:02d}")
    return "bob", f"/c/riverside/sessions/{session.pk}/edit/", {}, "Activity 00"


def outcome_list(cast, rows):
    for i in range(rows):
        outcome = OutcomeFactory(community=cast.riverside, statement=f"loop thinking {i:02d}")
        ConfidenceRatingFactory(outcome=outcome, user=cast.alice)
    return "alice", "/c/riverside/outcomes/", {}, "loop thinking 00"


def outcome_detail(cast, rows):
    outcome = OutcomeFactory(community=cast.riverside, statement="loop thinking")
    for user in members(cast, rows):
        ConfidenceRatingFactory(outcome=outcome, user=user)
    return "alice", f"/c/riverside/outcomes/{outcome.pk}/", {}, "loop thinking"


def outcome_confidence_fragment(cast, rows):
    outcome = OutcomeFactory(community=cast.riverside, statement="loop thinking")
    for user in members(cast, rows):
        ConfidenceRatingFactory(outcome=outcome, user=user)
    url = f"/c/riverside/outcomes/{outcome.pk}/confidence/"
    return "alice", url, HTMX, "confiden", {"rating": "4", "note": "Better."}


def _round(cast, rows):
    session = past_session(cast, title="Causal loops")
    outcome = OutcomeFactory(community=cast.riverside, statement="loop thinking")
    round_ = ReviewRoundFactory(session=session, outcomes=[outcome], opened_by=cast.bob)
    authors = members(cast, rows)
    for author in authors:
        AttendanceFactory(session=session, user=author)
        work = SharedWorkFactory(session=session, author=author)
        PeerReviewFactory(round=round_, work=work, reviewer=cast.alice)
    return round_


def reviews_page(cast, rows):
    _round(cast, rows)
    return "alice", "/c/riverside/reviews/", {}, "Rower 00"


def round_page(cast, rows):
    round_ = _round(cast, rows)
    return "bob", f"/c/riverside/review-rounds/{round_.pk}/", {}, "Rower 00"


def work_page(cast, rows):
    session = past_session(cast, title="Causal loops")
    outcome = OutcomeFactory(community=cast.riverside, statement="loop thinking")
    round_ = ReviewRoundFactory(session=session, outcomes=[outcome], opened_by=cast.bob)
    AttendanceFactory(session=session, user=cast.alice)
    work = SharedWorkFactory(session=session, author=cast.alice, title="Alice's map")
    for reviewer in members(cast, rows):
        PeerReviewFactory(round=round_, work=work, reviewer=reviewer, status="submitted")
    return "alice", f"/c/riverside/work/{work.pk}/", {}, "Clear boundaries."


def alignment(cast, rows):
    _round(cast, rows)
    return "bob", "/c/riverside/alignment/", {}, "loop thinking"


def reflection_list(cast, rows):
    for i, author in enumerate(members(cast, rows)):
        ReflectionFactory(community=cast.riverside, author=author, title=f"Noticed {i:02d}")
    return "alice", "/c/riverside/reflections/", {}, "Noticed 00"


def reflection_fragment(cast, rows):
    return (*reflection_list(cast, rows)[:2], HTMX, "Noticed 00")


def my_reflections(cast, rows):
    for i in range(rows):
        ReflectionFactory(community=cast.riverside, author=cast.alice, title=f"Noticed {i:02d}")
    return "alice", "/reflections/mine/", {}, "Noticed 00"


def action_list(cast, rows):
    for i, owner in enumerate(members(cast, rows)):
        ActionFactory(community=cast.riverside, owner=owner, title=f"Try {i:02d}")
    return "alice", "/c/riverside/actions/", {}, "Try 00"


def action_list_closed(cast, rows):
    for i, owner in enumerate(members(cast, rows)):
        ActionFactory(community=cast.riverside, owner=owner, title=f"Done {i:02d}", status="done")
    return "alice", "/c/riverside/actions/", {}, "Done 00"


def story_list(cast, rows):
    for i, author in enumerate(members(cast, rows)):
        ImpactStoryFactory(community=cast.riverside, author=author, title=f"Story {i:02d}")
    return "alice", "/stories/", {}, "Story 00"


def community_dashboard(cast, rows):
    for i, author in enumerate(members(cast, rows)):
        ReflectionFactory(community=cast.riverside, author=author, title=f"Noticed {i:02d}")
    return "bob", "/c/riverside/dashboard/", {}, "Riverside"


def portfolio(cast, rows):
    for i in range(rows):
        MembershipFactory(community=CommunityFactory(name=f"Circle {i:02d}"))
    return "erin", "/dashboard/", {}, "Circle 00"


def home(cast, rows):
    for i in range(rows):
        community = CommunityFactory(name=f"Circle {i:02d}")
        MembershipFactory(community=community, user=cast.alice)
        SessionFactory(community=community, title=f"Gathering {i:02d}")
    return "alice", "/", {}, "Circle 00"


def home_answered(cast, rows):
    """My next sessions across my communities, each card with my answer and its community."""
    for i in range(rows):
        community = CommunityFactory(name=f"Circle {i:02d}", emoji="🌊")
        MembershipFactory(community=community, user=cast.alice)
        session = SessionFactory(community=community, title=f"Gathering {i:02d}")
        RSVPFactory(session=session, user=cast.alice, response="going")
    return "alice", "/", {}, "You&#x27;re going"


def home_first_steps(cast, rows):
    """A newcomer's home: a first-steps card per community, each step half done, and a
    request to join waiting in as many more."""
    for i in range(rows):
        community = CommunityFactory(name=f"Circle {i:02d}")
        MembershipFactory(community=community, user=cast.frank, introduction="Hello")
        RSVPFactory(session=SessionFactory(community=community), user=cast.frank)
        ReflectionFactory(community=community, author=cast.frank)
        MembershipFactory(
            community=CommunityFactory(name=f"Guild {i:02d}", visibility="request"),
            user=cast.frank,
            status=Membership.Status.REQUESTED,
        )
    return "frank", "/", {}, "First steps in Circle 00"


def home_teaser(cast, rows):
    """Someone in no community: what copsite is for, and a few communities to join."""
    for i in range(rows):
        CommunityFactory(name=f"Circle {i:02d}", created_at=timezone.now() + timedelta(i))
    return "frank", "/", {}, "Communities you could join"


def settings_page(cast, rows):
    for i in range(rows):
        MembershipFactory(user=cast.alice, community=CommunityFactory(name=f"Circle {i:02d}"))
    return "alice", "/settings/", {}, "Mute Circle 00"


def digest_preview(cast, rows):
    for i in range(rows):
        SessionFactory(community=cast.riverside, title=f"Gathering {i:02d}")
    return "alice", "/settings/digest-preview/", {}, "Gathering 00"


def notifications_page(cast, rows):
    from accounts.notifications import notify

    for i in range(rows):
        community = cast.riverside if i % 2 else cast.hillside
        notify(cast.alice, "journey_celebration", key=f"n{i}", text=f"Note {i:02d}", url="/")
        notify(
            cast.alice,
            "session_changed",
            key=f"c{i}",
            community=community,
            text=f"Changed {i:02d}",
            url="/",
        )
    return "alice", "/notifications/", {}, "Note 00"


def search_page(cast, rows):
    """Many matching reflections, and one match of every other kind: the page loads each
    kind it shows with one query, however many rows of it."""
    for i in range(rows):
        ReflectionFactory(community=cast.riverside, author=cast.alice, title=f"Lighthouse {i:02d}")
    session = SessionFactory(community=cast.riverside, title="Lighthouse gathering")
    OutcomeFactory(community=cast.riverside, statement="keep the lighthouse lit")
    SharedWorkFactory(session=session, author=cast.alice, title="Lighthouse map")
    ImpactStoryFactory(community=cast.riverside, author=cast.alice, title="Lighthouse story")
    return "alice", "/search/?q=lighthouse", {}, "<mark>Lighthouse</mark> 00"


def search_responses(cast, rows):
    """Many matching responses, each answering its own reflection: a response's link is
    its reflection's page, loaded with it, never one query per response."""
    from reflections.models import Response

    for i in range(rows):
        answered = ReflectionFactory(
            community=cast.riverside, author=cast.bob, title=f"Tide {i:02d}"
        )
        Response.objects.create(
            community=cast.riverside, author=cast.bob, reflection=answered, body="harbour"
        )
    return "alice", "/search/?q=harbour", {}, "<mark>harbour</mark>"


# name → (seed, exact queries at 1 and at 12 rows)
CASES = {
    # 3 (was 4): a directory within its first page is never counted (its rows are all).
    "directory": (directory, 3),
    "directory_fragment": (directory_fragment, 3),
    # +1: the milestones beside the celebrations.
    "community_home": (community_home, 9),
    "members": (members_page, 6),
    "members_for_facilitator": (members_for_facilitator, 7),
    "members_fragment": (members_fragment, 6),
    "join_requests": (join_requests, 5),
    "invitations": (invitations, 6),
    # +2: the members "worth a hello" (quiet spells, with their check-in) and the one
    # step back open at a time (issue 18).
    "journeys": (journeys, 8),
    "journeys_fragment": (journeys_fragment, 8),
    # +1: the responses_given engagement signal (reflections), one query like every signal.
    # +2: the mentoring engagement signal, and my mentoring pairs.
    "my_membership": (my_membership, 13),
    # 7 (was 8): the past sessions go by keyset links (core.paging.KeysetPage), one read of
    # the page with its figures and no COUNT for page numbers.
    "session_list": (session_list, 7),
    # No past sessions here: the past list is one read finding no rows (was one COUNT).
    "session_list_answered": (session_list_answered, 7),
    # Before the session the reviews panel (3 queries) waits: nothing to share or review yet.
    # +1 for the conversation about the session (reflections' responses panel).
    # +2 for the quiet voices panel a facilitator sees: the session's people, then the
    # quiet voices among them (none when nobody is going).
    "session_detail": (session_detail, 12),
    # With an agenda: +1, the outcomes its items serve (sessions.selectors.agenda_of);
    # nobody going, so no quiet voices to look for among them (-1).
    "session_detail_agenda": (session_detail_agenda, 12),
    # After it: who came (1 query) and the reviews panel (3) instead.
    # +1 for the themes gathered from the session (reflections' themes panel).
    # +1 for the pulse summary its facilitator sees, +2 for their facilitation-reflection
    # panel (reflections.facilitation: are they its facilitator, did they write it).
    # +2 for the quiet voices panel a facilitator sees, as before the session.
    "session_detail_after": (session_detail_after, 20),
    "session_rsvp_fragment": (session_rsvp_fragment, 14),
    "session_attendance": (session_attendance, 7),
    "session_planner": (session_planner, 10),
    "outcome_list": (outcome_list, 5),
    "outcome_detail": (outcome_detail, 8),
    "outcome_confidence_fragment": (outcome_confidence_fragment, 9),
    # 8 (was 9): the rounds go by keyset links (core.paging.KeysetPage), no COUNT for pages.
    "reviews_page": (reviews_page, 8),
    # +1 for "N of M pieces have all their reviews" (reviews.selectors.round_heard); 9
    # (was 10): the session's link no longer reads the session's community.
    "round_page": (round_page, 9),
    # +1 for the conversation about the work (reflections' work_panel).
    "work_page": (work_page, 10),
    # 8 (was 9): the coverage figure is counted from the outcomes the map lists.
    "alignment": (alignment, 8),
    "reflection_list": (reflection_list, 7),
    "reflection_fragment": (reflection_fragment, 5),
    # 3 (was 4): keyset links (core.paging.KeysetPage), no COUNT for page numbers.
    "my_reflections": (my_reflections, 3),
    "action_list": (action_list, 7),
    # No open actions: the closed ones' keyset page and their reflections (one prefetch)
    # instead of the open ones' reflections and an empty closed page.
    "action_list_closed": (action_list_closed, 7),
    # 6 (was 7): keyset links (core.paging.KeysetPage), no COUNT for page numbers.
    "story_list": (story_list, 6),
    # +1: mentoring pairs active (one grouped query); +4 peer review as a practice
    # (reviews shared with their authors, median days, authors heard by the due date,
    # calibrated stages); +2 "every voice"; +2 the session pulse by month; -3 the
    # contributions in one query (impact.figures.participation).
    "community_dashboard": (community_dashboard, 28),
    # +1: the organisations the leader leads (the portfolio's picker); -3 as above.
    "portfolio": (portfolio, 13),
    # 11 (was 16): my memberships, active and asked, are one query, which the first-steps
    # cards reuse; what waits for a facilitator is read only for one (communities.panels);
    # my open actions and the done ones awaiting a follow-up are one (reflections.panels).
    "home": (home, 11 + ACTIONS_SPLIT),
    "home_answered": (home_answered, 11 + ACTIONS_SPLIT),
    "home_first_steps": (home_first_steps, 11 + ACTIONS_SPLIT),
    # 8 (was 14): as above, and no moves to read without a membership.
    "home_teaser": (home_teaser, 8 + ACTIONS_SPLIT),
    # +1: whether the person's address is on the suppression list (accounts/bounces.py).
    "settings": (settings_page, 5),
    # 18: the notifications left for the digest; 19: the conversations section reads new
    # responses once.
    "digest_preview": (digest_preview, 19),
    "notifications": (notifications_page, 3),
    # The person's communities (the filter), the page's matches, then one query per kind.
    "search": (search_page, 9),
    # The person's communities, the page's matches, the responses with what they answer.
    "search_responses": (search_responses, 5),
}


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("case", CASES)
def test_page_costs_the_same_queries_at_one_and_many_rows(
    cast, case, rows, django_assert_num_queries
):
    seed, queries = CASES[case]
    viewer, url, headers, text, *data = seed(cast, rows)
    client = cast.client(viewer)

    def fetch():
        if data:
            return client.post(url, data[0], **headers)
        return client.get(url, **headers)

    with django_assert_num_queries(queries):
        response = fetch()

    assert response.status_code == 200
    assert text in response.content.decode()
