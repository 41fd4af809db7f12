"""Demo peer review in the main community, on the sessions the sessions demo held and
through the outcome the outcomes demo agreed: shared work (links and a small Markdown
file), a closed anonymous round whose reviews are all shared (with replies) and an open
named round with shared and pending reviews — one pending for member@example.com. The
alignment map then shows a complete triple and a gap of each kind: an outcome with no
activity, aligned activities never reviewed, and activities aligned to nothing.

Rows are made directly rather than through the services, so the demo is the same every
time and seeding sends no allocation emails. Each part returns at once when its content
exists, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.notifications import notification_record, phrase
from communities.models import Community
from outcomes.demo import MAPPING
from outcomes.models import Outcome
from sessions.models import AgendaItem, Attendance, Session

from .models import (
    CalibrationExample,
    PeerReview,
    PracticeReview,
    Reflection,
    RephraseRequest,
    ReviewReply,
    ReviewRound,
    SelfReview,
    SharedWork,
)

# Held demo sessions (sessions/demo.py) whose work is looked at together.
OPEN_ROUND_SESSION = "Mapping clinic: reading a map aloud"
# A round past its due date (issue 17): a review that never started, one drafted and
# overdue, one reassigned automatically, and authors' "this helped" marks.
STALLED_ROUND_SESSION = "Mapping clinic: leverage points"
# A round with a release step, and one with self-review first and a calibration example.
RELEASE_ROUND_SESSION = "Mapping clinic: feedback in the room"
CALIBRATED_ROUND_SESSION = "Mapping clinic: causal loops"
FACILITATING = "facilitate a mapping session for a team that has never mapped"
CLOSED_ROUND_SESSION = "Mapping clinic: stakeholder maps"

LOOPS_FILE = b"""# School meals: a first loop sketch

- More children eat lunch -> kitchen orders grow -> unit cost falls -> price stays low
  -> more children eat lunch (reinforcing)
- Queue length -> children skip lunch -> fewer meals (balancing)

Open question: where does the free-meals form sit in this?
"""


def seed(people: dict) -> None:
    main = Community.objects.filter(slug="systems-mapping").first()
    if main is None:
        return
    _seed_peer_review(main, people)
    _seed_stalled_round(main, people)
    _seed_release_and_calibration(main, people)
    _seed_notifications(main, people)


def _seed_notifications(main, people: dict) -> None:
    """Unread notifications for member@example.com: the review waiting for them and the
    reviews of their referral map (recorded only: the demo emails nobody)."""
    member = people["member@example.com"]
    waiting = (
        PeerReview.objects.waiting()
        .filter(reviewer=member, round__community=main)
        .select_related("work", "round__community")
        .first()
    )
    if waiting is not None:
        notification_record(
            member,
            "review_waiting",
            key=f"review-allocated:{waiting.round_id}:{member.pk}:1:{waiting.pk}",
            community=main,
            text=phrase(
                gettext_lazy("A peer review is waiting for you: “%(title)s”."),
                title=waiting.work.title,
            ),
            url=waiting.get_absolute_url(),
            created_at=waiting.created_at,
        )
    # Released: a review held for a facilitator's release is news to nobody yet.
    received = (
        PeerReview.objects.released()
        .filter(
            work__author=member,
            round__community=main,
            round__status=ReviewRound.Status.OPEN,
        )
        .select_related("work", "reviewer", "round__community")
        .order_by("submitted_at")
    )
    for review in received:
        notification_record(
            member,
            "review_received",
            key=f"review-received:{review.pk}",
            community=main,
            actor=review.reviewer,
            text=phrase(
                gettext_lazy("%(who)s shared a review of your work “%(title)s”."),
                who=review.reviewer.name,
                title=review.work.title,
            ),
            url=f"{review.work.get_absolute_url()}#review-{review.pk}",
            created_at=review.submitted_at,
        )


def _attendees(session, *, leaving_out: list) -> list:
    """Who came to `session`, by email, without the people `leaving_out`: the demo's
    authors and reviewers."""
    return [
        a.user
        for a in Attendance.objects.filter(session=session)
        .exclude(user__in=leaving_out)
        .select_related("user")
        .order_by("user__email")
    ]


def _answers(round_: ReviewRound, works: str, deeper: str) -> list[dict]:
    answers = [{"works": "", "deeper": ""} for _ in round_.prompts]
    if answers:
        answers[0] = {"works": works, "deeper": deeper}
    return answers


def _seed_peer_review(main, people: dict) -> None:
    if SharedWork.objects.filter(community=main).exists():
        return
    mapping = Outcome.objects.filter(community=main, statement=MAPPING).first()
    titles = [OPEN_ROUND_SESSION, CLOSED_ROUND_SESSION]
    sessions = {s.title: s for s in Session.objects.filter(community=main, title__in=titles)}
    if mapping is None or len(sessions) < 2:
        return
    facilitator = people["facilitator@example.com"]
    member = people["member@example.com"]
    now = timezone.now()
    prompts = [{"outcome": mapping.pk, "prompt": prompt} for prompt in mapping.review_prompts]

    def attendees(session) -> list:
        return _attendees(session, leaving_out=[facilitator, member])

    def work(session, author, title, days, **fields):
        return SharedWork.objects.create(
            community=main,
            session=session,
            author=author,
            title=title,
            created_at=session.starts_at + timedelta(days=days),
            **fields,
        )

    def review(round_, piece, reviewer, status, days=0, stage="", works="", deeper=""):
        when = round_.created_at + timedelta(days=days)
        shared = status == PeerReview.Status.SUBMITTED
        return PeerReview.objects.create(
            round=round_,
            work=piece,
            reviewer=reviewer,
            status=status,
            stage=stage,
            answers=_answers(round_, works, deeper) if works else [],
            created_at=round_.created_at,
            updated_at=when,
            submitted_at=when if shared else None,
        )

    submitted, allocated = PeerReview.Status.SUBMITTED, PeerReview.Status.ALLOCATED

    # Six weeks ago: an anonymous round, closed, every review shared.
    held = sessions[CLOSED_ROUND_SESSION]
    peers = attendees(held)
    housing = work(
        held,
        member,
        "First stakeholder map of the housing pathway",
        1,
        link="https://example.org/maps/housing-pathway",
    )
    park = work(
        held,
        peers[0],
        "Power and interest grid for the park project",
        1,
        link="https://example.org/maps/park-grid",
    )
    closed = ReviewRound.objects.create(
        community=main,
        session=held,
        prompts=prompts,
        anonymous=True,
        due_on=(held.starts_at + timedelta(days=10)).date(),
        status=ReviewRound.Status.CLOSED,
        opened_by=facilitator,
        created_at=held.starts_at + timedelta(days=2),
        closed_at=held.starts_at + timedelta(days=12),
    )
    closed.outcomes.set([mapping])
    to_member = review(
        closed,
        housing,
        peers[1],
        submitted,
        3,
        "developing",
        "The boundary at the hospital door is clear and argued.",
        "Who is missing? The landlords never appear.",
    )
    review(
        closed,
        housing,
        facilitator,
        submitted,
        5,
        "developing",
        "Two loops are visible at a glance.",
        "Name the delay in the referral loop.",
    )
    to_park = review(
        closed,
        park,
        member,
        submitted,
        4,
        "confident",
        "The grid made the council's position obvious.",
        "Residents sit low on power: is that true of every season?",
    )
    review(
        closed,
        park,
        peers[1],
        submitted,
        6,
        "emerging",
        "A good start on interests.",
        "Power feels guessed; ask two people who know.",
    )
    ReviewReply.objects.create(
        review=to_member,
        body="Thank you — the landlords are going on the next version.",
        created_at=to_member.submitted_at + timedelta(days=1),
    )
    ReviewReply.objects.create(
        review=to_park,
        body="Fair question about the seasons; summer looks different.",
        created_at=to_park.submitted_at + timedelta(days=2),
    )

    # Two weeks ago: a named round, still open, with one review waiting for the member.
    held = sessions[OPEN_ROUND_SESSION]
    for item in AgendaItem.objects.filter(session=held, kind=AgendaItem.Kind.ACTIVITY)[:1]:
        item.aligned_outcomes.add(mapping)
    peers = attendees(held)
    referral = work(
        held,
        member,
        "Reading the referral map aloud",
        1,
        link="https://example.org/maps/referral-route",
        description="A recording of me walking the map, and the map itself.",
    )
    loops = work(
        held,
        peers[0],
        "Loop sketch: school meals",
        1,
        description="Where does the free-meals form sit?",
    )
    loops.file.save("school-meals-loops.md", ContentFile(LOOPS_FILE), save=False)
    loops.file_name, loops.file_type = "school-meals-loops.md", "text/markdown"
    loops.file_size = len(LOOPS_FILE)
    loops.save()
    library = work(
        held,
        peers[1],
        "Stakeholder map for the library",
        2,
        link="https://example.org/maps/library",
    )
    open_round = ReviewRound.objects.create(
        community=main,
        session=held,
        prompts=prompts,
        due_on=timezone.localdate(now, main.zoneinfo) + timedelta(days=5),
        opened_by=facilitator,
        created_at=held.starts_at + timedelta(days=3),
    )
    open_round.outcomes.set([mapping])
    from_facilitator = review(
        open_round,
        referral,
        facilitator,
        submitted,
        2,
        "confident",
        "Reading it aloud found two arrows nobody could explain.",
        "Try it with someone who has never seen the map.",
    )
    review(
        open_round,
        referral,
        peers[1],
        submitted,
        3,
        "developing",
        "The story order made the feedback loop land.",
        "The legend competes with the map; move it aside.",
    )
    review(open_round, loops, member, allocated)
    review(
        open_round,
        loops,
        facilitator,
        submitted,
        4,
        "emerging",
        "The reinforcing loop is exactly right.",
        "Add where the delay sits.",
    )
    review(
        open_round,
        library,
        peers[0],
        submitted,
        4,
        "extending",
        "It already changed the library's plan.",
        "Could residents draw the next one?",
    )
    review(open_round, library, peers[2], allocated)
    ReviewReply.objects.create(
        review=from_facilitator,
        body="Thank you! I'll try it on my neighbour this week.",
        created_at=from_facilitator.submitted_at + timedelta(hours=5),
    )


def _seed_stalled_round(main, people: dict) -> None:
    """A named round on the leverage-points session, five days past its due date: the
    facilitator's page shows a review that never started (Reassign), one drafted and
    overdue, one the cadence reassigned automatically (its first reviewer keeps the
    draft), the Extend form, and "1 of 3 pieces have all their reviews". Authors marked
    two reviews helpful, one with a line of thanks (seen by its reviewer alone)."""
    held = Session.objects.filter(community=main, title=STALLED_ROUND_SESSION).first()
    mapping = Outcome.objects.filter(community=main, statement=MAPPING).first()
    if held is None or mapping is None or held.review_rounds.exists():
        return
    facilitator = people["facilitator@example.com"]
    member = people["member@example.com"]
    peers = _attendees(held, leaving_out=[facilitator, member])
    if len(peers) < 5:
        return
    today = timezone.localdate(timezone.now(), main.zoneinfo)
    opened = held.starts_at + timedelta(days=2)
    round_ = ReviewRound.objects.create(
        community=main,
        session=held,
        prompts=[{"outcome": mapping.pk, "prompt": p} for p in mapping.review_prompts],
        reviewers_per_work=2,
        due_on=today - timedelta(days=5),
        opened_by=facilitator,
        created_at=opened,
        opened_at=opened,
    )
    round_.outcomes.set([mapping])

    def work(author, title, link):
        return SharedWork.objects.create(
            community=main,
            session=held,
            author=author,
            title=title,
            link=link,
            created_at=held.starts_at + timedelta(days=1),
        )

    def review(piece, reviewer, status, days=0, works="", deeper="", **fields):
        shared = status == PeerReview.Status.SUBMITTED
        when = opened + timedelta(days=days)
        return PeerReview.objects.create(
            round=round_,
            work=piece,
            reviewer=reviewer,
            status=status,
            answers=_answers(round_, works, deeper) if works or deeper else [],
            created_at=fields.pop("created_at", opened),
            updated_at=when,
            submitted_at=when if shared else None,
            **fields,
        )

    S = PeerReview.Status
    river = work(peers[0], "Leverage points in the river clean-up", "https://example.org/river")
    bus = work(peers[1], "Where to push on the bus timetable", "https://example.org/bus")
    garden = work(
        peers[2], "Community garden: the rules as a leverage point", "https://example.org/garden"
    )
    helped = review(
        river, peers[1], S.SUBMITTED, 4,
        "Ranking the points by effort made the choice obvious.",
        "Which of these could the council say no to?",
        helpful_at=opened + timedelta(days=6),
        helpful_note="The council question changed my plan — thank you.",
    )  # fmt: skip
    review(river, peers[3], S.ALLOCATED)  # Never started: the facilitator can reassign it.
    review(
        bus, peers[2], S.DRAFT, 6, "", "The timetable's goal is the real leverage point."
    )  # Drafted, and overdue.
    review(
        bus, peers[0], S.SUBMITTED, 5,
        "The delays are drawn honestly.", "Add who decides the timetable.",
        helpful_at=opened + timedelta(days=7),
    )  # fmt: skip
    first = review(garden, peers[4], S.ALLOCATED, reassigned_at=timezone.now() - timedelta(days=3))
    review(
        garden, peers[1], S.ALLOCATED, reassigned_from=first, automatic=True,
        created_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    review(
        garden, peers[0], S.SUBMITTED, 3,
        "Rules as the lever: a lovely insight.", "Where does the waiting list sit?",
    )  # fmt: skip
    notification_record(
        peers[1],
        "review_helpful",
        key=f"review-helpful:{helped.pk}",
        community=main,
        actor=peers[0],
        text=phrase(
            gettext_lazy("The author of “%(title)s” found your review helpful."), title=river.title
        ),
        url=f"{river.get_absolute_url()}#review-{helped.pk}",
        created_at=helped.helpful_at,
    )


def _seed_release_and_calibration(main, people: dict) -> None:
    """Two open rounds (issue 17): one holding reviews for a facilitator's release — a
    review of member@example.com's work held (they see only "on the way"), one released,
    one sent back with a rephrase note — and one with self-review first and a calibration
    example, through the outcome the member has never reviewed: the member is invited to
    a self-review before reading two reviews of their work, and to practise on the example
    before the review waiting for them; a peer's practice sits beside the example."""
    if ReviewRound.objects.filter(community=main, holds_reviews=True).exists():
        return
    titles = [RELEASE_ROUND_SESSION, CALIBRATED_ROUND_SESSION]
    sessions = {s.title: s for s in Session.objects.filter(community=main, title__in=titles)}
    mapping = Outcome.objects.filter(community=main, statement=MAPPING).first()
    facilitating = Outcome.objects.filter(community=main, statement=FACILITATING).first()
    if mapping is None or facilitating is None or len(sessions) < 2:
        return
    facilitator = people["facilitator@example.com"]
    member = people["member@example.com"]
    now = timezone.now()
    today = timezone.localdate(now, main.zoneinfo)
    submitted, allocated = PeerReview.Status.SUBMITTED, PeerReview.Status.ALLOCATED

    def peers_of(session) -> list:
        return _attendees(session, leaving_out=[facilitator, member])

    def open_round(session, outcome, days_ago, due_in, **fields):
        round_ = ReviewRound.objects.create(
            community=main,
            session=session,
            prompts=[{"outcome": outcome.pk, "prompt": p} for p in outcome.review_prompts],
            due_on=today + timedelta(days=due_in),
            opened_by=facilitator,
            created_at=now - timedelta(days=days_ago),
            **fields,
        )
        round_.outcomes.set([outcome])
        return round_

    def work(session, author, title, **fields):
        return SharedWork.objects.create(
            community=main,
            session=session,
            author=author,
            title=title,
            created_at=session.starts_at + timedelta(days=1),
            **fields,
        )

    def review(round_, piece, reviewer, status=allocated, days=1, works="", deeper="", **more):
        when = round_.created_at + timedelta(days=days)
        shared = status == submitted
        return PeerReview.objects.create(
            round=round_,
            work=piece,
            reviewer=reviewer,
            status=status,
            answers=_answers(round_, works, deeper) if works else [],
            created_at=round_.created_at,
            updated_at=when,
            submitted_at=when if shared else None,
            **more,
        )

    # The release step: reviews wait for the facilitator, who reads them first.
    session = sessions[RELEASE_ROUND_SESSION]
    peers = peers_of(session)
    held = open_round(session, mapping, 4, 3, holds_reviews=True)
    discharge = work(
        session,
        member,
        "Leverage points in the hospital discharge process",
        link="https://example.org/maps/discharge-leverage",
    )
    rota = work(session, peers[0], "Where to push on the volunteer rota")
    canteen = work(session, peers[1], "Leverage in the canteen supply chain")
    review(held, discharge, peers[2], submitted, 2, "The paradigm level is named.",
           "Which point is cheapest to try first?", stage="developing")  # fmt: skip
    review(held, discharge, peers[3])
    review(held, rota, peers[1], submitted, 1, "The parameters are all there.",
           "Is the rule about swaps a leverage point too?", stage="confident",
           released_at=held.created_at + timedelta(days=2))  # fmt: skip
    sent_back = review(held, rota, peers[2], PeerReview.Status.DRAFT, 2,
                       "This is obviously wrong in places.", "Start again.")  # fmt: skip
    RephraseRequest.objects.create(
        review=sent_back,
        by=facilitator,
        note="Could you say which places, and what you'd try instead? "
        "“Obviously wrong” may land hard on a first map.",
        created_at=held.created_at + timedelta(days=3),
    )
    review(held, canteen, peers[3], submitted, 3, "The delays are drawn honestly.",
           "Add the supplier's view.", stage="developing")  # fmt: skip

    # Self-review first, and a calibration example, through the outcome the member has
    # never reviewed.
    session = sessions[CALIBRATED_ROUND_SESSION]
    peers = peers_of(session)
    calibrated = open_round(session, facilitating, 3, 6, self_review=True)
    example = CalibrationExample.objects.create(
        round=calibrated,
        title="Example: a first mapping session with a housing team",
        description="A 45-minute plan: ten minutes on what a map is for, twenty drawing one "
        "loop together from a real case, fifteen reading it back. Materials: one wall, "
        "sticky notes, two pens per person.",
        answers=_answers(
            calibrated,
            "The real case keeps it concrete, and reading it back checks understanding.",
            "Where does the team decide what to do with the map? Plan five minutes for it.",
        ),
        stage=PeerReview.Stage.CONFIDENT,
        created_by=facilitator,
        created_at=calibrated.created_at,
    )
    rota_session = work(
        session,
        member,
        "Plan: mapping the volunteer rota with the trustees",
        description="A first session for trustees who have never mapped.",
    )
    youth = work(session, peers[0], "Plan: a loop map with the youth club staff")
    clinic = work(session, peers[1], "Plan: mapping waiting times with reception")
    review(calibrated, rota_session, peers[0], submitted, 1, "Their own week is inviting.",
           "What if the trustees disagree on the loop?", stage="developing")  # fmt: skip
    review(calibrated, rota_session, peers[2], submitted, 2, "Clear timings.",
           "Leave room for silence after the first loop.", stage="confident")  # fmt: skip
    review(calibrated, youth, member)
    review(calibrated, clinic, peers[2], submitted, 2, "Reception's own words are on the map.",
           "Who keeps the map afterwards?", stage="confident")  # fmt: skip
    SelfReview.objects.create(
        round=calibrated,
        work=clinic,
        status=Reflection.WRITTEN,
        answers=_answers(calibrated, "It uses their words.", "I'm unsure about the ending."),
        stage=PeerReview.Stage.DEVELOPING,
    )
    PracticeReview.objects.create(
        example=example,
        reviewer=peers[2],
        status=Reflection.WRITTEN,
        answers=_answers(calibrated, "Concrete case.", "What happens after the session?"),
        stage=PeerReview.Stage.DEVELOPING,
    )
