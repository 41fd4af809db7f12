"""Demo outcomes in the main community: agreed ones with prompts, a proposal with
endorsements, earlier wording, and member@example.com's confidence ratings over time.
sessions/demo.py, which runs after this, aligns some activities to the mapping outcome (the
other agreed one stays waiting for an activity); peer review on them is seeded by
reviews/demo.py.

Rows are made directly rather than through the services, so the demo is the same every
time. Seeding returns at once when the content exists, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from communities.models import Community

from .models import DEFAULT_PROMPTS, ConfidenceRating, Endorsement, Outcome, OutcomeRevision

MAPPING = "map complex systems more confidently and consistently"


def seed(people: dict) -> None:
    main = Community.objects.filter(slug="systems-mapping").first()
    if main is None:
        return
    _seed_outcomes(main, people)


def _seed_outcomes(main, people: dict) -> None:
    if Outcome.objects.filter(community=main).exists():
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
    # The member's own confidence in mapping, over time (private to them and facilitators).
    for weeks, rating, note in (
        (10, 2, "My maps still look different every time."),
        (5, 3, "The stakeholder review helped."),
        (1, 4, "Reading a map aloud made me see its gaps."),
    ):
        ConfidenceRating.objects.create(
            user=people["member@example.com"],
            outcome=mapping,
            rating=rating,
            note=note,
            created_at=timezone.now() - timedelta(weeks=weeks),
        )
