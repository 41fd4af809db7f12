"""Demo outcomes in the main community: agreed ones with prompts (one served by a session,
one still waiting for an activity), a proposal with endorsements, earlier wording."""

from __future__ import annotations

from communities.models import Community
from sessions.models import AgendaItem

from .models import DEFAULT_PROMPTS, Endorsement, Outcome, OutcomeRevision

MAPPING = "map complex systems more confidently and consistently"


def seed(people: dict) -> None:
    main = Community.objects.filter(slug="systems-mapping").first()
    if main is None or Outcome.objects.filter(community=main).exists():
        return
    facilitator = people["facilitator@example.com"]
    mapping = Outcome.objects.create(
        community=main,
        statement=MAPPING,
        why="Our maps differ wildly from person to person; we'd like a shared craft.",
        status=Outcome.Status.AGREED,
        proposed_by=people["member@example.com"],
        agreed_by=facilitator,
        review_prompts=[
            "Are the system's boundaries clear, and why there?",
            "Which feedback loop matters most, and is it visible?",
            "What would make this map more useful to someone new?",
        ],
    )
    OutcomeRevision.objects.create(
        outcome=mapping, statement="draw better system maps", changed_by=facilitator
    )
    Outcome.objects.create(
        community=main,
        statement="facilitate a mapping session for a team that has never mapped",
        status=Outcome.Status.AGREED,
        proposed_by=facilitator,
        agreed_by=facilitator,
        review_prompts=DEFAULT_PROMPTS,
    )
    proposal = Outcome.objects.create(
        community=main,
        statement="explain a map to a senior leader in five minutes",
        why="Maps help us; they rarely survive the walk to the decision-maker.",
        proposed_by=people["newcomer@example.com"],
    )
    for email in ("member@example.com", "ada@demo.copsite.org", "dev@demo.copsite.org"):
        Endorsement.objects.create(outcome=proposal, user=people[email])
    Endorsement.objects.create(outcome=mapping, user=people["member@example.com"])
    # Align the first activity of each published session that has one; the rest stay
    # unaligned, a gentle question on the alignment map.
    items = (
        AgendaItem.objects.filter(session__community=main, kind=AgendaItem.Kind.ACTIVITY)
        .exclude(session__status__in=["draft", "cancelled"])
        .order_by("session__starts_at", "position")
    )
    for item in items[:3]:
        item.aligned_outcomes.add(mapping)
