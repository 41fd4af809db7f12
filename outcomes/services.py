from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ConfidenceRating, Endorsement, Outcome, OutcomeRevision


def outcome_propose(*, community, user, statement: str, why: str = "") -> Outcome:
    return Outcome.objects.create(
        community=community, statement=statement, why=why, proposed_by=user
    )


def outcome_endorse_toggle(*, outcome: Outcome, user) -> bool:
    """Endorse, or take an endorsement back. Returns whether the person now endorses it."""
    deleted, _ = Endorsement.objects.filter(outcome=outcome, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Endorsement.objects.create(outcome=outcome, user=user)
    except IntegrityError:
        pass  # A double click raced itself: the endorsement is there once, as wanted.
    return True


@transaction.atomic
def outcome_agree(*, outcome: Outcome, by, statement: str, why: str, prompts: list[str]):
    """Agree an outcome (or edit an agreed one), keeping any earlier wording as history."""
    old = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if (old.statement, old.why) != (statement, why):
        OutcomeRevision.objects.create(
            outcome=outcome, statement=old.statement, why=old.why, changed_by=by
        )
    outcome.statement, outcome.why, outcome.review_prompts = statement, why, prompts
    if outcome.status != Outcome.Status.AGREED:
        outcome.status = Outcome.Status.AGREED
        outcome.agreed_by, outcome.agreed_at = by, timezone.now()
    outcome.save()
    return outcome


def outcome_retire(*, outcome: Outcome) -> Outcome:
    outcome.status = Outcome.Status.RETIRED
    outcome.save(update_fields=["status"])
    return outcome


def confidence_rate(*, outcome: Outcome, user, rating: int, note: str = "") -> ConfidenceRating:
    """A member's own confidence against an outcome, given from the outcome page or with a
    reflection (which then links to the rating it returns)."""
    return ConfidenceRating.objects.create(outcome=outcome, user=user, rating=rating, note=note)


def confidence_revise(*, confidence: ConfidenceRating, outcome: Outcome, rating: int):
    """Change a rating in place: a reflection edited with another value or outcome keeps
    one rating, not a trail of them."""
    confidence.outcome, confidence.rating = outcome, rating
    confidence.save(update_fields=["outcome", "rating"])
    return confidence


def confidence_withdraw(*, confidence: ConfidenceRating) -> None:
    """Delete a rating (a reflection edited to give none takes its rating back)."""
    confidence.delete()
