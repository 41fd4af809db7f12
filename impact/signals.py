"""Forget the stored figures over closed months (`impact.figures.windows`) of a community
whenever a write may touch one of its closed months.

Every model those figures read is watched (save and delete; a user's deletion reaches
here through its cascade). A row stamped in the month still running (a reflection written
today, a step taken this month) touches no closed month and forgets nothing; a row whose
month cannot be told from the row alone (an attendance record, a review, a change of
membership or outcome) forgets the community's figures. Bulk updates send no signal: the
services that make them call `core.plugins.rows_changed`. The next request computes the
figures again, and the nightly task recomputes every preset window from scratch anyway.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from communities.models import CheckIn, JourneyStep, Membership, MentoringPair
from core.plugins import register_rows_changed
from outcomes.models import ConfidenceRating, Outcome
from reflections.models import Reflection, Response
from reviews.models import PeerReview, ReviewRound, SharedWork
from sessions.models import RSVP, Attendance, PulseAnswer, Session

from .figures.windows import forget_communities
from .periods import month_start

_SESSION_OF_RSVP = RSVP._meta.get_field("session")


def _closed(*moments) -> bool:
    """True when any of the moments falls in a month that has ended (UTC)."""
    start = month_start()
    return any(moment is not None and moment < start for moment in moments)


def _community(instance) -> object:
    """The community ids of a row, as ids or a subquery (never a query of its own)."""
    if isinstance(instance, Attendance | PulseAnswer | RSVP):
        return Session.objects.filter(pk=instance.session_id).values("community")
    if isinstance(instance, PeerReview):
        return ReviewRound.objects.filter(pk=instance.round_id).values("community")
    if isinstance(instance, ConfidenceRating):
        return Outcome.objects.filter(pk=instance.outcome_id).values("community")
    if isinstance(instance, JourneyStep | CheckIn):
        return Membership.objects.filter(pk=instance.membership_id).values("community")
    return [instance.community_id]


def _touches_closed_month(instance) -> bool:
    if isinstance(instance, Reflection | Response | SharedWork | JourneyStep | ConfidenceRating):
        return _closed(instance.created_at)
    if isinstance(instance, CheckIn):
        return _closed(instance.sent_at, instance.came_back_at)
    if isinstance(instance, Session):
        return _closed(instance.starts_at)
    if isinstance(instance, RSVP) and _SESSION_OF_RSVP.is_cached(instance):
        # An answer to a session of this month (nearly every one) touches no ended month;
        # with its session not at hand, the community's figures are forgotten.
        return _closed(instance.session.starts_at)
    return True


def _written(sender, instance, **kwargs) -> None:
    if _touches_closed_month(instance):
        forget_communities(_community(instance))


def _rounds_outcomes_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):  # A round or an outcome: each has its community.
        forget_communities([instance.community_id])


WATCHED = (
    Membership,
    JourneyStep,
    MentoringPair,
    CheckIn,
    Session,
    Attendance,
    RSVP,
    PulseAnswer,
    Reflection,
    Response,
    SharedWork,
    ReviewRound,
    PeerReview,
    Outcome,
    ConfidenceRating,
)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_written, sender=model, dispatch_uid=f"impact-stored-{model.__name__}")
        post_delete.connect(
            _written, sender=model, dispatch_uid=f"impact-stored-del-{model.__name__}"
        )
    m2m_changed.connect(
        _rounds_outcomes_changed,
        sender=ReviewRound.outcomes.through,
        dispatch_uid="impact-stored-round-outcomes",
    )
    register_rows_changed(forget_communities)
